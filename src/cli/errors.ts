/** How the CLI reports failures: one clear sentence, never a stack trace (unless FF_DEBUG=1). */
import { EXIT, FFError } from '../core/errors.js';

export function reportError(err: unknown): number {
  if (err instanceof FFError) {
    process.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: unexpected failure: ${message}\n`);
  if (process.env.FF_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(set FF_DEBUG=1 to see the stack trace, and please report it)\n');
  return EXIT.failure;
}

/** Wraps a command handler: errors become messages, the result becomes the exit code. */
export function handle<A>(fn: (args: A) => Promise<number | void> | number | void): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      const code = await fn(args);
      process.exitCode = code ?? EXIT.ok;
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}
