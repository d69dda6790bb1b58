/**
 * TypeScript shape of `momento:log/logging@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: enums as kebab-case strings, variants `{ tag, val }`, records camelCase, and
 * `configure-logging`'s `result<_, log-configuration-error>` thrown as a `ComponentError` with
 * the error as `payload`. No public type of this package refers to it.
 */
declare module 'momento:log/logging@1.0.0' {
  export type LogLevel = 'off' | 'debug' | 'info' | 'warn' | 'error';
  export type Destination =
    | { tag: 'topic'; val: { topicName: string } }
    | { tag: 'cloudwatch'; val: { iamRoleArn: string; logGroupName: string } };
  export interface ConfigureLoggingInput {
    logLevel: LogLevel;
    systemLogsLevel: LogLevel;
    destination: Destination;
  }
  export type LogConfigurationError = { tag: 'auth'; val: string };

  export function configureLogging(inputs: ConfigureLoggingInput[]): void;
  export function log(input: string, level: LogLevel): void;
}
