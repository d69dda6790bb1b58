// TypeScript counterpart of the C `spawn-note` fixture (tests/fixtures/c/spawn-note.c): a
// non-empty payload gives ok-note("spawned with <N> bytes"); an empty one gives
// failed-note("empty payload").
import type { Data } from '@momento-functions/bytes';
import { SpawnFailure, spawn } from '@momento-functions/guest-spawn';

export default spawn((payload: Data) => {
  const length = payload.bytes().length;
  if (length === 0) throw SpawnFailure.note('empty payload');
  return `spawned with ${length} bytes`;
});
