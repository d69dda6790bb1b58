// The log host service: level filtering, system logs before/after configuration, console formats.
import { type LogLevel, LogRouter, passes } from '@momento-functions/runtime/services/log';
import { MemoryTopicBus } from '@momento-functions/runtime/services/topic';
import { describe, expect, it } from 'vitest';

const ctx = (id = 'inv') => {
  const c = new AbortController();
  return { functionName: 'fn', cacheName: 'c', invocationId: id, signal: c.signal, end: () => c.abort() };
};
const topic = (name: string, logLevel: LogLevel = 'info', systemLogsLevel: LogLevel = 'info') =>
  ({ logLevel, systemLogsLevel, destination: { tag: 'topic', val: { topicName: name } } }) as const;

describe('LogRouter', () => {
  it('filters by level; off sends nothing', () => {
    expect(passes('debug', 'info')).toBe(false);
    expect(passes('error', 'info')).toBe(true);
    expect(passes('error', 'off')).toBe(false);
  });

  it('sends system logs recorded before configuration to the first configuration only', async () => {
    const bus = new MemoryTopicBus();
    const router = new LogRouter({ topics: bus, console: false });
    const c = ctx();
    router.system(c, 'info', 'instance started');
    router.system(c, 'debug', 'too detailed for info');
    router.configure(c, [topic('a'), topic('b', 'info', 'off')]);
    router.configure(c, [topic('late')]);
    router.system(c, 'warn', 'after');
    await new Promise((r) => setTimeout(r, 10));
    const texts = (t: string) =>
      bus.published({ topic: t }).map((m) => (m.value.kind === 'text' ? m.value.text : ''));
    expect(texts('a')).toHaveLength(1);
    expect(texts('a')[0]).toMatch(/^INFO \S+ momento-functions-host instance started$/);
    expect(texts('b')).toEqual([]);
    expect(texts('late')).toHaveLength(1);
    expect(texts('late')[0]).toMatch(/^WARN .* after$/);
    c.end();
  });

  it('prints readable lines by default and JSON on request, with separate levels', () => {
    const pretty: string[] = [];
    const json: string[] = [];
    const a = new LogRouter({ console: { write: (l) => pretty.push(l), level: 'info' } });
    const b = new LogRouter({
      console: { write: (l) => json.push(l), format: 'json', systemLevel: 'error' },
    });
    for (const router of [a, b]) {
      const c = ctx('i1');
      router.functionLog(c, 'DEBUG t x f:1 hidden by level', 'debug');
      router.functionLog(c, 'INFO t x f:1 hello', 'info');
      router.system(c, 'warn', 'warned');
    }
    expect(pretty).toEqual([
      '[fn i1] INFO t x f:1 hello',
      expect.stringMatching(/^\[fn i1\] \(system\) WARN .* warned$/),
    ]);
    expect(json.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        kind: 'function',
        level: 'debug',
        function: 'fn',
        cache: 'c',
        invocationId: 'i1',
      }),
      expect.objectContaining({ kind: 'function', level: 'info', message: 'INFO t x f:1 hello' }),
    ]);
  });

  it('hands CloudWatch records to the sink', async () => {
    const got: unknown[] = [];
    const router = new LogRouter({ console: false, cloudwatch: (r) => void got.push(r) });
    const c = ctx();
    const arn = 'arn:aws:iam::123456789012:role/r';
    expect(
      router.configure(c, [
        {
          logLevel: 'warn',
          systemLogsLevel: 'off',
          destination: { tag: 'cloudwatch', val: { iamRoleArn: arn, logGroupName: 'g' } },
        },
      ]),
    ).toEqual({ tag: 'ok', val: undefined });
    router.functionLog(c, 'INFO skipped', 'info');
    router.functionLog(c, 'ERROR kept', 'error');
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([
      expect.objectContaining({ message: 'ERROR kept', iamRoleArn: arn, logGroupName: 'g' }),
    ]);
    expect(
      router.configure(c, [
        {
          logLevel: 'info',
          systemLogsLevel: 'info',
          destination: { tag: 'cloudwatch', val: { iamRoleArn: arn, logGroupName: 'bad group!' } },
        },
      ]),
    ).toMatchObject({ tag: 'err', val: { tag: 'auth' } });
  });
});
