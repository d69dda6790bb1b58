// Nested functions in a second file: their positions must map here, not to the bundle.
function deep(): never {
  throw new Error('thrown from deep');
}

export function outer(): never {
  deep();
}

export function stackOf(): string {
  return new Error('logged from deep').stack ?? '';
}
