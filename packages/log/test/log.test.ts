import { describe, expect, it } from 'vitest';
import {
  configureLogging,
  formatRecord,
  LogConfiguration,
  LogConfigurationError,
  LogDestination,
  logConfiguration,
  logger,
} from '../src/index.js';
import { bus, calls, lines, router } from './fake-logging.js';

const RECORD =
  /^(ERROR|WARN|INFO|DEBUG|TRACE) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\S+) (\S+):(\d+) (.*)$/;

describe('log guest package (ordered: one module instance = one invocation)', () => {
  it('formats records like the crate', () => {
    expect(
      formatRecord(
        'info',
        'my_fn',
        'hello',
        { file: 'src/lib.rs', line: 22 },
        new Date(Date.UTC(2026, 5, 27, 12, 0, 0, 123)),
      ),
    ).toBe('INFO 2026-06-27T12:00:00.123Z my_fn src/lib.rs:22 hello');
    expect(formatRecord('trace', undefined, 'x', {}, new Date(0))).toBe(
      'TRACE 1970-01-01T00:00:00.000Z <unknown> <unknown>:0 x',
    );
  });

  it('refuses a CloudWatch destination with a bad role ARN (auth), without installing the logger', () => {
    let caught: unknown;
    try {
      configureLogging([LogDestination.cloudwatch('not-an-arn', 'group')]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LogConfigurationError);
    expect((caught as LogConfigurationError).kind).toBe('auth');
    expect((caught as Error).message).toMatch(
      /^Invalid auth provided for configuration! input 0: 'not-an-arn' is not an IAM role ARN/,
    );
    expect((caught as LogConfigurationError).debug).toMatch(/^Auth \{ message: "input 0: 'not-an-arn'/);
  });

  it('configures destinations with levels and routes records to topics, filtered by level', async () => {
    const fnTopic = await bus.subscribe('guest-cache', 'fn');
    const debugTopic = await bus.subscribe('guest-cache', 'fn-debug');
    configureLogging([
      LogDestination.topic('fn'),
      new LogConfiguration(LogDestination.topic('fn-debug')).withLogLevel('trace').withSystemLogLevel('off'),
      logConfiguration(
        LogDestination.cloudwatch('arn:aws:iam::123456789012:role/logs', '/momento/fn'),
      ).withLogLevel('error'),
    ]);
    expect(calls.at(-1)?.args[0]).toEqual([
      { logLevel: 'info', systemLogsLevel: 'info', destination: { tag: 'topic', val: { topicName: 'fn' } } },
      {
        logLevel: 'debug',
        systemLogsLevel: 'off',
        destination: { tag: 'topic', val: { topicName: 'fn-debug' } },
      },
      {
        logLevel: 'error',
        systemLogsLevel: 'info',
        destination: {
          tag: 'cloudwatch',
          val: { iamRoleArn: 'arn:aws:iam::123456789012:role/logs', logGroupName: '/momento/fn' },
        },
      },
    ]);
    const log = logger('example_logging');
    log.debug('details');
    log.info('Received request', { file: 'src/index.ts', line: 22 });
    log.trace('very detailed');
    const sent = calls.filter((c) => c.fn === 'log').map((c) => c.args);
    expect(sent.map(([, level]) => level)).toEqual(['debug', 'info', 'debug']);
    const [debugLine, infoLine, traceLine] = sent.map(([line]) => String(line));
    expect(debugLine).toMatch(RECORD);
    expect(RECORD.exec(debugLine ?? '')?.[2]).toBe('example_logging');
    expect(RECORD.exec(debugLine ?? '')?.[3]).toMatch(/log\.test\.ts$/); // the caller's own file from the stack
    expect(infoLine).toMatch(/^INFO \S+ example_logging src\/index\.ts:22 Received request$/);
    expect(traceLine).toMatch(/^TRACE /);
    expect((await fnTopic.next()).value?.value).toEqual({ kind: 'text', text: infoLine });
    const debugMessages = [await debugTopic.next(), await debugTopic.next(), await debugTopic.next()].map(
      (r) => (r.value?.value.kind === 'text' ? r.value.value.text : ''),
    );
    expect(debugMessages).toEqual([debugLine, infoLine, traceLine]);
    expect(lines.some((l) => l.includes('Received request'))).toBe(true);
    expect(router.records.filter((r) => r.kind === 'function')).toHaveLength(3);
  });

  it('fails a second configuration like the crate (after telling the host)', () => {
    const before = calls.length;
    expect(() => configureLogging([LogDestination.topic('again')])).toThrow(
      'Something went wrong while trying to configure logs! Failed to configure logger! SetLoggerError(())',
    );
    expect(calls.length).toBe(before + 1);
  });
});
