/**
 * One tracked run: the journal first, then (for a remote backend) the server, in the background.
 *
 * Failure isolation, the contract of the tracker seam:
 *  - every call appends to the local journal synchronously and returns; nothing waits on the
 *    network except `finish`, and that only up to `finishTimeoutMs`;
 *  - remote calls go out in order, one at a time, each bounded by `timeoutMs` and retried
 *    (`retries` times, exponential backoff, or the server's Retry-After) when retrying can help;
 *    consecutive metric steps are sent together;
 *  - on a lasting failure the remote copy is abandoned for this run, the journal records it
 *    (`remote-failed`) so `ff sync` can send the whole run later, and the tracker is told once;
 *  - no method ever rejects: a trial's result never depends on its tracker.
 */
import type { Journal } from './journal.js';
import { TrackerRemoteError, type MetricRow, type OpenedRun, type RemoteRunSink } from './sink.js';
import type { ArtifactInput, RunConfig, RunInit, RunState, TableInput, TrackerBackend, TrackerRun } from './types.js';

export interface RemoteTarget {
  readonly backend: TrackerBackend;
  readonly where: string;
  readonly sink: RemoteRunSink;
}

export interface TrackedRunOptions {
  readonly journal: Journal;
  readonly init: RunInit;
  readonly remote?: RemoteTarget;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly finishTimeoutMs: number;
  /** The remote copy of this run was abandoned (called at most once per run). */
  readonly onRemoteFailure?: (error: TrackerRemoteError, run: TrackedRun) => void;
  /** A local problem (disk full, an artifact path that does not exist). */
  readonly onLocalProblem?: (message: string) => void;
  /** `finish` has returned. */
  readonly onFinished?: () => void;
}

type Op =
  | { readonly kind: 'params'; readonly params: RunConfig }
  | { readonly kind: 'metrics'; readonly rows: MetricRow[] }
  | { readonly kind: 'artifact'; readonly artifact: ArtifactInput }
  | { readonly kind: 'table'; readonly table: TableInput }
  | { readonly kind: 'summary'; summary: Record<string, unknown> }
  | { readonly kind: 'finish'; readonly state: RunState };

/** How many times the per-call timeout an artifact upload may take. */
export const ARTIFACT_TIME_FACTOR = 6;

/** Rows per metrics op: the sink splits further to its server's limits. */
const MAX_ROWS_PER_OP = 1000;

export class TrackedRun implements TrackerRun {
  readonly id: string;
  private queue: Op[] = [];
  private pumping: Promise<void> | undefined;
  private opened: OpenedRun | undefined;
  private failed: TrackerRemoteError | undefined;
  private finished = false;
  private nextStep = 0;
  private readonly closer = new AbortController();

  constructor(private readonly o: TrackedRunOptions) {
    this.id = o.init.runId;
    if (o.init.config !== undefined && Object.keys(o.init.config).length > 0) this.enqueue({ kind: 'params', params: o.init.config });
    else if (o.remote !== undefined) this.kick(); // open the remote run now, not at the first metric
  }

  get dir(): string {
    return this.o.journal.dir;
  }

  get url(): string | undefined {
    return this.opened?.url;
  }

  /** The server's id of the remote run, once it was opened there. */
  get remoteId(): string | undefined {
    return this.opened?.id;
  }

  /** The remote copy's problem, if it was abandoned. */
  get remoteError(): TrackerRemoteError | undefined {
    return this.failed;
  }

  async logParams(params: RunConfig): Promise<void> {
    if (this.local(() => this.o.journal.append({ t: 'params', params }))) this.enqueue({ kind: 'params', params });
  }

  async logMetrics(metrics: Readonly<Record<string, number>>, step?: number): Promise<void> {
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
    const s = step !== undefined && Number.isInteger(step) && step >= 0 ? step : this.nextStep;
    this.nextStep = Math.max(this.nextStep, s + 1);
    const ts = Date.now();
    if (this.local(() => this.o.journal.append({ t: 'metrics', step: s, ts, values }))) this.enqueue({ kind: 'metrics', rows: [{ step: s, timestamp: ts, values }] });
  }

  async logArtifact(artifact: ArtifactInput): Promise<void> {
    let copy: { path: string; name: string } | undefined;
    this.local(() => (copy = this.o.journal.copyArtifact(artifact)), `artifact ${artifact.path}`);
    // the remote gets the journal's copy: the trial may delete or rewrite its own file
    if (copy !== undefined) this.enqueue({ kind: 'artifact', artifact: { path: copy.path, name: copy.name, type: artifact.type } });
  }

  async logTable(table: TableInput): Promise<void> {
    if (this.local(() => this.o.journal.writeTable(table), `table ${table.name}`)) this.enqueue({ kind: 'table', table });
  }

  async setSummary(summary: Readonly<Record<string, unknown>>): Promise<void> {
    if (this.local(() => this.o.journal.append({ t: 'summary', summary }))) this.enqueue({ kind: 'summary', summary: { ...summary } });
  }

  async finish(state: RunState = 'finished'): Promise<void> {
    if (this.finished) return;
    this.local(() => this.o.journal.append({ t: 'finish', state }));
    this.enqueue({ kind: 'finish', state });
    this.finished = true;
    try {
      if (this.o.remote !== undefined) await this.settle(this.o.remote);
    } finally {
      this.o.onFinished?.();
    }
  }

  /** Waits for the queue to drain, up to `finishTimeoutMs`; then abandons the remote copy. */
  private async settle(remote: RemoteTarget): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.o.finishTimeoutMs);
    });
    const outcome = await Promise.race([this.drained().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      // one decimal: toFixed(0) said "2 s" for the 1.5 s of a 1 s call timeout
      const late = new TrackerRemoteError(`${remote.where} did not take the run within ${Number((this.o.finishTimeoutMs / 1000).toFixed(1))} s`, true);
      this.closer.abort(late);
      this.fail(late);
      // the in-flight request is aborted: give it a moment to settle, never more (a referenced
      // timer, cleared after: unreferenced, a process with nothing else to do could end before
      // finish resolves)
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([this.drained(), new Promise((r) => (grace = setTimeout(r, 200)))]);
      clearTimeout(grace);
    }
  }

  /** Resolves when nothing is waiting to be sent (for tests and `finish`). */
  async drained(): Promise<void> {
    while (this.pumping !== undefined) await this.pumping;
  }

  private local(write: () => unknown, what = 'the run journal'): boolean {
    try {
      write();
      return true;
    } catch (err) {
      this.o.onLocalProblem?.(`${what} (${this.o.journal.dir}): ${(err as Error).message}`);
      return false;
    }
  }

  private enqueue(op: Op): void {
    if (this.o.remote === undefined || this.failed !== undefined || this.finished) return;
    const last = this.queue[this.queue.length - 1];
    if (op.kind === 'metrics' && last?.kind === 'metrics' && last.rows.length < MAX_ROWS_PER_OP) last.rows.push(...op.rows);
    else if (op.kind === 'summary' && last?.kind === 'summary') Object.assign(last.summary, op.summary);
    else this.queue.push(op);
    this.kick();
  }

  private kick(): void {
    if (this.pumping !== undefined) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.queue.length > 0 && this.failed === undefined) this.kick();
    });
  }

  private async pump(): Promise<void> {
    const remote = this.o.remote!;
    try {
      if (this.opened === undefined) {
        const opened = await this.call((s) => remote.sink.open(this.o.init, s));
        this.opened = opened;
        this.local(() => this.o.journal.append({ t: 'remote', backend: remote.backend, id: opened.id, ...(opened.url !== undefined ? { url: opened.url } : {}) }));
      }
      while (this.queue.length > 0 && this.failed === undefined) {
        const op = this.queue.shift()!;
        // an artifact may be many files: it gets more time than one small request
        await this.call((s) => send(remote.sink, op, s), op.kind === 'artifact' ? ARTIFACT_TIME_FACTOR : 1);
        if (op.kind === 'finish') {
          const { id, url } = this.opened;
          this.local(() => this.o.journal.append({ t: 'synced', backend: remote.backend, id, ...(url !== undefined ? { url } : {}) }));
        }
      }
    } catch (err) {
      this.fail(asRemoteError(err));
    }
  }

  private call<T>(fn: (signal: AbortSignal) => Promise<T>, timeFactor = 1): Promise<T> {
    // background sends: the journal has the run, so a backoff is no reason to keep a process up
    return callWithRetries(fn, { timeoutMs: this.o.timeoutMs * timeFactor, retries: this.o.retries, signal: this.closer.signal, background: true });
  }

  private fail(err: TrackerRemoteError): void {
    if (this.failed !== undefined || this.o.remote === undefined) return;
    this.failed = err;
    this.queue = [];
    this.local(() => this.o.journal.append({ t: 'remote-failed', backend: this.o.remote!.backend, error: err.message }));
    this.o.onRemoteFailure?.(err, this);
  }
}

function send(sink: RemoteRunSink, op: Op, signal: AbortSignal): Promise<void> {
  switch (op.kind) {
    case 'params':
      return sink.logParams(op.params, signal);
    case 'metrics':
      return sink.logMetrics(op.rows, signal);
    case 'artifact':
      return sink.logArtifact(op.artifact, signal);
    case 'table':
      return sink.logTable(op.table, signal);
    case 'summary':
      return sink.setSummary(op.summary, signal);
    case 'finish':
      return sink.finish(op.state, signal);
  }
}

/**
 * One remote call: each attempt bounded by `timeoutMs`, retried `retries` times when retrying can
 * help, waiting 0.25 s, 0.5 s, 1 s … (at most 4 s) or what the server asked; `signal` ends it all.
 * The wait between attempts keeps the process alive unless `background` (then a process with
 * nothing else to do may exit during it): a caller awaiting the result, such as `ff sync`, must
 * not see its process end silently with exit code 0 in the middle of a backoff.
 */
export async function callWithRetries<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  o: { readonly timeoutMs: number; readonly retries: number; readonly signal?: AbortSignal; readonly background?: boolean },
): Promise<T> {
  const outer = o.signal ?? new AbortController().signal;
  for (let attempt = 0; ; attempt++) {
    if (outer.aborted) throw asRemoteError(outer.reason);
    const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs), outer]);
    try {
      return await fn(signal);
    } catch (err) {
      const e = asRemoteError(err);
      if (!e.retryable || attempt >= o.retries || outer.aborted) {
        throw attempt === 0 ? e : new TrackerRemoteError(`${e.message} (after ${attempt + 1} attempts)`, e.retryable, e.status);
      }
      await sleep(e.retryAfterMs ?? Math.min(4000, 250 * 2 ** attempt), outer, o.background === true);
    }
  }
}

export function asRemoteError(err: unknown): TrackerRemoteError {
  if (err instanceof TrackerRemoteError) return err;
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name === 'TimeoutError') return new TrackerRemoteError('no answer in time', true);
  // anything else a sink threw (a bug, a file that vanished) is not cured by retrying
  return new TrackerRemoteError(e?.message ?? String(err), false);
}

function sleep(ms: number, signal: AbortSignal, unref: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    if (unref) t.unref();
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
