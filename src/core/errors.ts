/**
 * Errors in two kinds (Fastify codes, BullMQ UnrecoverableError):
 *  - {@link FFError}: coded, user-facing; the message says what was wrong and what to do.
 *    The CLI prints it as one sentence (no stack) and exits with its exit code.
 *  - control-flow errors ({@link TrialStoppedError}), recognised by `instanceof` or by `name`,
 *    since errors lose their prototype across process boundaries.
 */

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export type ErrorCode =
  | 'FF_CONFIG_INVALID'
  | 'FF_CONFIG_READ'
  | 'FF_CONFIG_PARSE'
  | 'FF_USAGE'
  | 'FF_NOT_FOUND'
  | 'FF_EXECUTOR'
  | 'FF_STORE'
  | 'FF_DATA'
  | 'FF_REDIS'
  | 'FF_LLM'
  | 'FF_INTERNAL';

export class FFError extends Error {
  override readonly name: string = 'FFError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** One problem in a config: where, what was there, what would be valid. */
export interface Violation {
  /** Key path such as `parameters.lr.min`; `''` for the document itself. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one (shown in reports). */
  readonly value?: unknown;
}

export function formatViolation(v: Violation): string {
  const where = v.path === '' ? '(top level)' : v.path;
  const got = 'value' in v && v.value !== undefined ? ` (got ${preview(v.value)})` : '';
  return `${where}: ${v.message}${got}`;
}

function preview(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  } catch {
    s = String(value);
  }
  if (s === undefined) s = String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** An invalid sweep config: carries every violation found, not just the first. */
export class ConfigError extends FFError {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly violations: readonly Violation[],
  ) {
    super(
      'FF_CONFIG_INVALID',
      `${file}: invalid sweep config (${violations.length} problem${violations.length === 1 ? '' : 's'}):\n` +
        violations.map((v) => `  - ${formatViolation(v)}`).join('\n'),
      EXIT.usage,
    );
  }
}

/** Raised inside an in-process objective when its trial has been told to stop. */
export class TrialStoppedError extends Error {
  override readonly name = 'TrialStoppedError';
  constructor(readonly reason: string) {
    super(`trial stopped: ${reason}`);
  }
}

export function isTrialStopped(err: unknown): boolean {
  return err instanceof TrialStoppedError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TrialStoppedError');
}

export function isFFError(err: unknown): err is FFError {
  return err instanceof FFError;
}

/** A one-line description of any thrown value, for logs and trial records. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
