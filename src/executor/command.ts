/**
 * The command executor: runs a trial as `wandb agent` runs a sweep's program.
 *
 * Source (semantics only): wandb/wandb `wandb/wandb_agent.py` (`AgentProcess`, `Agent._command_run`,
 * `Agent._command_stop`); shared/reference/sweeps-semantics.md §1.8 and §2.5. Taken from there: argv
 * from the sweep's `command` macros, the config files and `WANDB_*` variables, the child in its own
 * process group with no usable stdin, stop = SIGTERM then SIGKILL after a grace period (W&B's
 * `KILL_DELAY`, 30 s).
 *
 * Ours: metrics come from the program's stdout, one JSON object per line (instead of `wandb.log`
 * talking to a server); every other line, and all of stderr, goes to `<trial dir>/output.log`.
 * Signals go to the whole process group, so a program's own children stop with it, and anything
 * still in the group when the program exits is killed: a trial never outlives `run`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { FFError, describeError } from '../core/errors.js';
import type { Executor, ExecutorContext, Metrics, TrialOutcome, TrialSpec } from './types.js';
import { buildMacroVars, commandUsesMacro, defaultInterpreter, expandCommand } from './macros.js';
import { commandTrialPaths, trialEnvironment, writeTrialFiles } from './command-files.js';
import { LineSplitter, Tail, parseMetricsLine } from './output.js';

export interface CommandExecutorOptions {
  /** The sweep's `program` (`${program}`); relative paths are relative to `cwd`. */
  readonly program?: string;
  /** The sweep's `command` template; W&B's default when missing or empty. */
  readonly command?: readonly string[];
  /** Working directory of the program; default `process.cwd()`. */
  readonly cwd?: string;
  /** Time between SIGTERM and SIGKILL on stop; default 30000 (W&B's KILL_DELAY). */
  readonly graceMs?: number;
  /** Extra environment for the program, on top of `process.env` (trial variables win). */
  readonly env?: Readonly<Record<string, string>>;
  /** `${interpreter}`; default chosen by the program's extension (see `defaultInterpreter`). */
  readonly interpreter?: string;
  /** How many stderr lines to keep for a failure message; default 50. */
  readonly logTail?: number;
}

const IS_WINDOWS = process.platform === 'win32';

/** Process groups still alive, killed if this process exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) signalGroup(g, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

function signalGroup(pid: number, sig: NodeJS.Signals, child?: ChildProcess): void {
  try {
    if (IS_WINDOWS) child?.kill(sig);
    else process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone
  }
}

function shortArgv(argv: readonly string[]): string {
  const s = JSON.stringify(argv);
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

export class CommandExecutor implements Executor {
  private readonly graceMs: number;
  private readonly logTail: number;
  private readonly cwd: string;

  constructor(private readonly options: CommandExecutorOptions = {}) {
    this.graceMs = options.graceMs ?? 30000;
    this.logTail = options.logTail ?? 50;
    this.cwd = resolve(options.cwd ?? process.cwd());
    if (!Number.isFinite(this.graceMs) || this.graceMs < 0) {
      throw new FFError('FF_EXECUTOR', `command executor: graceMs must be a number >= 0 (got ${String(options.graceMs)})`);
    }
    if (!Number.isInteger(this.logTail) || this.logTail < 0) {
      throw new FFError('FF_EXECUTOR', `command executor: logTail must be an integer >= 0 (got ${String(options.logTail)})`);
    }
    if (options.program === undefined && commandUsesMacro(options.command, 'program', { ...process.env, ...options.env })) {
      throw new FFError(
        'FF_EXECUTOR',
        'the sweep config has no `program`, but its command uses ${program}' +
          (options.command && options.command.length > 0 ? '' : ' (the default command is ${env} ${interpreter} ${program} ${args})') +
          ': add `program: <script>` to the sweep config, or a `command` that does not use ${program}',
      );
    }
  }

  async run(trial: TrialSpec, ctx: ExecutorContext): Promise<TrialOutcome> {
    if (ctx.signal.aborted) return stoppedOutcome(ctx.signal);
    const paths = commandTrialPaths(trial, resolve(ctx.dir));
    const env = trialEnvironment(trial, paths, process.env, this.options.env);
    const withArgsJson = commandUsesMacro(this.options.command, 'args_json_file', env);
    const interpreter = this.options.interpreter !== undefined ? [this.options.interpreter] : defaultInterpreter(this.options.program, env);
    const vars = buildMacroVars({ config: trial.config, program: this.options.program, interpreter, argsJsonFile: paths.argsJson });
    const argv = expandCommand(this.options.command, vars, env);
    try {
      await writeTrialFiles(trial, paths, withArgsJson);
    } catch (err) {
      return { status: 'failed', error: `could not write the config files of trial ${trial.trialId} in ${paths.dir}: ${describeError(err)}` };
    }
    if (argv.length === 0) {
      return { status: 'failed', error: `the sweep's command ${JSON.stringify(this.options.command)} expanded to an empty argv: nothing to run` };
    }
    if (!isDirectory(this.cwd)) {
      return { status: 'failed', error: `cannot start ${shortArgv(argv)}: the working directory ${this.cwd} does not exist` };
    }
    if (ctx.signal.aborted) return stoppedOutcome(ctx.signal);
    return this.watch(argv, env, ctx, paths.log);
  }

  /** Spawns argv and follows it to the end: metrics, log, stop, exit. */
  private async watch(argv: readonly string[], env: Record<string, string>, ctx: ExecutorContext, logPath: string): Promise<TrialOutcome> {
    const log = createWriteStream(logPath, { flags: 'a' });
    log.on('error', () => {
      // a log we cannot write must not crash the worker; the outcome is still reported
    });
    const writeLog = (line: string): void => {
      if (!log.writableEnded) log.write(line + '\n');
    };

    let reports: Promise<void> = Promise.resolve();
    const report = (metrics: Metrics): void => {
      // Chained: a slow report never lets a later step overtake it.
      reports = reports
        .then(() => ctx.report(metrics))
        .catch((err: unknown) => writeLog(`[feature-forge] could not record a step: ${describeError(err)}`));
    };
    const stderrTail = new Tail(this.logTail);
    const stdoutLines = new LineSplitter((line) => {
      const metrics = parseMetricsLine(line);
      if (metrics !== undefined) report(metrics);
      else writeLog(line);
    });
    const stderrLines = new LineSplitter((line) => {
      stderrTail.push(line);
      writeLog(line);
    });

    const outcome = await new Promise<TrialOutcome>((settle) => {
      let child: ChildProcess;
      try {
        child = spawn(argv[0]!, argv.slice(1), {
          cwd: this.cwd,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: !IS_WINDOWS,
          windowsHide: true,
        });
      } catch (err) {
        settle(spawnFailure(argv, err));
        return;
      }
      const pid = child.pid;
      let exited = false;
      let stopReason: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      if (pid !== undefined) trackGroup(pid);

      const onAbort = (): void => {
        if (exited || pid === undefined || stopReason !== undefined) return;
        stopReason = String(ctx.signal.reason ?? 'stopped');
        signalGroup(pid, 'SIGTERM', child);
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL', child), this.graceMs);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      child.stdout?.on('data', (chunk: Buffer) => stdoutLines.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderrLines.push(chunk));
      child.on('error', (err) => {
        if (pid !== undefined) return; // e.g. a failed kill: the exit/close events still come
        ctx.signal.removeEventListener('abort', onAbort);
        settle(spawnFailure(argv, err));
      });
      child.on('exit', (code, signal) => {
        exited = true;
        exit = { code, signal };
        if (killTimer !== undefined) clearTimeout(killTimer);
        // Leftover members of the trial's group (background children) would outlive the trial and
        // hold its pipes open: the trial is over, so they go too.
        if (pid !== undefined) signalGroup(pid, 'SIGKILL', child);
      });
      child.on('close', () => {
        if (pid === undefined) return;
        liveGroups.delete(pid);
        ctx.signal.removeEventListener('abort', onAbort);
        if (killTimer !== undefined) clearTimeout(killTimer);
        stdoutLines.end();
        stderrLines.end();
        if (stopReason !== undefined) return settle({ status: 'stopped', reason: stopReason });
        const code = exit?.code ?? null;
        const signal = exit?.signal ?? null;
        if (code === 0) return settle({ status: 'finished' });
        const tail = stderrTail.toString();
        settle({
          status: 'failed',
          error: `${shortArgv(argv)} ${signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`}${exitHint(code, argv)}`,
          exitCode: code,
          ...(tail !== '' ? { stderrTail: tail } : {}),
        });
      });
    });

    await reports;
    log.end();
    await finished(log).catch(() => undefined);
    return outcome;
  }
}

function stoppedOutcome(signal: AbortSignal): TrialOutcome {
  return { status: 'stopped', reason: String(signal.reason ?? 'stopped') };
}

function spawnFailure(argv: readonly string[], err: unknown): TrialOutcome {
  const code = (err as { code?: unknown } | null)?.code;
  const hint =
    code === 'ENOENT'
      ? `: "${argv[0]}" was not found; install it or put it on PATH, or change the sweep's command / the executor's interpreter`
      : code === 'EACCES'
        ? `: "${argv[0]}" is not executable`
        : '';
  return { status: 'failed', error: `could not start the trial program ${shortArgv(argv)}: ${describeError(err)}${hint}`, exitCode: null };
}

/** Shell conventions used by `/usr/bin/env`, which W&B's default command runs first. */
function exitHint(code: number | null, argv: readonly string[]): string {
  if (argv[0] !== '/usr/bin/env') return '';
  if (code === 127) return ` (command not found: is "${argv[1] ?? ''}" installed and on PATH?)`;
  if (code === 126) return ` ("${argv[1] ?? ''}" could not be executed)`;
  return '';
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
