/**
 * Where in the input a problem was found: 1-based line, byte column like serde_json (0 = empty input).
 *
 * @example
 * ```ts
 * import { type SourcePosition, parseJson, ExtractError } from '@momento-functions/bytes';
 * let where: SourcePosition | undefined;
 * try { parseJson('[1,]'); } catch (e) { if (e instanceof ExtractError) where = e.position; } // { line: 1, column: 4 }
 * ```
 */
export interface SourcePosition {
  /** 1-based line number (lines are separated by `\n`). */
  readonly line: number;
  /**
   * Byte column on that line of the last byte consumed when the problem was found, like
   * serde_json: 1-based, and 0 when nothing on the line was consumed (e.g. empty input).
   */
  readonly column: number;
}

/**
 * What kind of problem an {@link ExtractError} reports: invalid UTF-8, invalid JSON, a schema
 * failure, a body that is not a superjson document, or something else (custom extractors).
 *
 * @example
 * ```ts
 * import { ExtractError, type ExtractErrorKind } from '@momento-functions/bytes';
 * const kindOf = (e: unknown): ExtractErrorKind | undefined => (e instanceof ExtractError ? e.kind : undefined);
 * ```
 */
export type ExtractErrorKind = 'utf8' | 'json' | 'schema' | 'superjson' | 'other';

/**
 * Options for {@link ExtractError}.
 *
 * @example
 * ```ts
 * import { ExtractError, type ExtractErrorOptions } from '@momento-functions/bytes';
 * const options: ExtractErrorOptions = { kind: 'json', reason: 'expected value', position: { line: 1, column: 1 } };
 * throw new ExtractError('expected value at line 1 column 1', options);
 * ```
 */
export interface ExtractErrorOptions {
  /** What kind of problem this is; `'other'` when omitted. */
  readonly kind?: ExtractErrorKind;
  /** The problem without its position, e.g. `expected value` (defaults to the message). */
  readonly reason?: string;
  /** Where the problem is, for JSON errors. */
  readonly position?: SourcePosition;
  /** For schema errors: every issue the schema reported, with its path. */
  readonly issues?: readonly SchemaIssue[];
  /** The error that caused this one (kept as the error's `cause`), if any. */
  readonly cause?: unknown;
}

/**
 * One failed check of a schema, with the path of the field it concerns (empty for the root).
 *
 * @example
 * ```ts
 * import { ExtractError, formatPath, type SchemaIssue } from '@momento-functions/bytes';
 * const fields = (e: ExtractError) => e.issues.map((issue: SchemaIssue) => formatPath(issue.path));
 * ```
 */
export interface SchemaIssue {
  /** Path from the root value to the failing field, e.g. `['items', 0, 'name']`. */
  readonly path: readonly PropertyKey[];
  /** The schema library's message. */
  readonly message: string;
}

/**
 * A request body or payload could not be turned into the value a handler asked for.
 *
 * `message` is the complete detail, written like the Rust crate where it can be
 * (`EOF while parsing a value at line 1 column 0`, `invalid utf-8 sequence of 1 bytes from index 0`,
 * `missing field \`name\` at line 1 column 2`). The entry points put it after
 * `Failed to parse request body: ` (web) or `Failed to extract spawn payload: ` (spawn).
 *
 * @example
 * ```ts
 * import { Data, ExtractError } from '@momento-functions/bytes';
 * try {
 *   Data.from('{"a":').json();
 * } catch (e) {
 *   if (e instanceof ExtractError) console.log(e.message, e.position); // "EOF while parsing a value at line 1 column 5"
 * }
 * ```
 */
export class ExtractError extends Error {
  /** What kind of problem this is. */
  readonly kind: ExtractErrorKind;
  /** The problem without its position (for JSON: serde_json's message, e.g. `trailing characters`). */
  readonly reason: string;
  /** Where in the input the problem is (JSON errors), if known. */
  readonly position: SourcePosition | undefined;
  /** Schema issues (kind `'schema'`), in the order the schema reported them. */
  readonly issues: readonly SchemaIssue[];

  /**
   * Creates an extraction error; `kind` defaults to `'other'` and `reason` to `message`.
   *
   * @param message - the complete detail shown to callers.
   * @param options - kind, reason, position, issues and cause.
   * @example
   * ```ts
   * throw new ExtractError('expected a non-empty body', { kind: 'other' });
   * ```
   */
  constructor(message: string, options: ExtractErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExtractError';
    this.kind = options.kind ?? 'other';
    this.reason = options.reason ?? message;
    this.position = options.position;
    this.issues = options.issues ?? [];
  }
}

/**
 * A handler's value could not be encoded into bytes (for example a `BigInt` or a cycle in JSON).
 * The web entry point answers `500 Failed to encode response: <message>`, like the Rust crate.
 *
 * @example
 * ```ts
 * import { encodeJson, EncodeError } from '@momento-functions/bytes';
 * try {
 *   encodeJson({ n: 1n });
 * } catch (e) {
 *   if (e instanceof EncodeError) console.log(e.message); // names the field `n` and says what to do
 * }
 * ```
 */
export class EncodeError extends Error {
  /**
   * Creates an encoding error with the given message and, optionally, the error that caused it.
   *
   * @param message - what could not be encoded and what to do instead.
   * @param options - the underlying error, if any.
   * @example
   * ```ts
   * throw new EncodeError('cannot encode a Symbol');
   * ```
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EncodeError';
  }
}
