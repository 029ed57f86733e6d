/**
 * The trial store on Redis, for distributed sweeps: a coordinator and any number of workers share
 * it. Every mutation is one Lua script (one round trip, atomic): claims enforce run_cap, sweep
 * state and dedupe together (wandb#8549: parallel agents overshooting caps); worker writes are
 * fenced by (attempt, dispatch) so a zombie can never write over a retry (Optuna's zombie RUNNING
 * trials, optuna#913); leases live in one sorted set for cheap expiry scans. Reads are pipelined.
 * Key layout: see redis-keys.ts. Each mutation carries a fresh op id so a command that ioredis
 * resends after a reconnect (its reply was lost) answers from a memo instead of running twice.
 *
 * Connections: one for commands, one for blocking XREAD (both lazy); `close()` quits those it owns.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ResolvedSweep } from '../config/types.js';
import { FFError } from '../core/errors.js';
import type { StopDecision } from '../early-stop/types.js';
import type { ClaimRequest, ClaimResult, EventBatch, ReportResult } from '../coordinator/store.js';
import type { StartResult, TrialEnd, TrialLease, TrialStore, WorkerInfo } from '../coordinator/store.js';
import type { SweepMeta, SweepState } from '../coordinator/types.js';
import { decodeMeta, decodeSweep, decodeTrial, encodeValue, flag, META_FIELDS, pairs, trialId, type StoredTrial } from './codec.js';
import { createRedis, duplicateRedis, quitOrDrop, type RedisLog } from './redis-connection.js';
import { RedisEvents } from './redis-events.js';
import { leaseMember, parseLeaseMember, RedisKeys } from './redis-keys.js';
import { ScriptRunner } from './redis-scripts.js';
import { RedisWorkers } from './redis-workers.js';

export interface RedisTrialStoreOptions {
  /** Default: `$FF_REDIS_URL`, `$REDIS_URL`, then `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  readonly url?: string;
  /** Every key lives under `<prefix>:`; default `ff`. */
  readonly prefix?: string;
  /** Use this connection for commands (not closed by `close()`); the blocking reader is a duplicate. */
  readonly client?: Redis;
  /** Where connection outages are reported; default stderr. */
  readonly log?: RedisLog;
}

type Reply = Array<string | undefined>;

export class RedisTrialStore implements TrialStore {
  readonly prefix: string;
  readonly keys: RedisKeys;
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly scripts: ScriptRunner;
  private readonly events: RedisEvents;
  private readonly workers: RedisWorkers;
  private readonly opBase = randomUUID().slice(0, 13);
  private opSeq = 0;

  constructor(opts: RedisTrialStoreOptions = {}) {
    this.prefix = opts.prefix ?? 'ff';
    this.keys = new RedisKeys(this.prefix);
    this.ownsClient = opts.client === undefined;
    if (opts.client?.options.keyPrefix) {
      // the scripts build trial keys from the prefix themselves; an ioredis keyPrefix would split the layout
      throw new FFError('FF_REDIS', `RedisTrialStore: the given Redis client has keyPrefix '${opts.client.options.keyPrefix}'; pass the prefix as the store's \`prefix\` option and a client without keyPrefix`);
    }
    this.redis = opts.client ?? createRedis({ url: opts.url, name: 'ff-store', log: opts.log, lazy: true });
    this.scripts = new ScriptRunner(this.redis);
    this.events = new RedisEvents(this.redis, this.keys.events(), () => duplicateRedis(this.redis, 'ff-store-reader', opts.log));
    this.workers = new RedisWorkers(this.redis, this.keys, this.scripts);
  }

  /** The command connection (for tests and tools that share it). */
  get client(): Redis {
    return this.redis;
  }

  private op(): string {
    this.opSeq += 1;
    return `${this.opBase}${this.opSeq.toString(36)}`;
  }

  // --- sweeps -------------------------------------------------------------------------------

  async createSweep(sweep: ResolvedSweep, meta: SweepMeta): Promise<void> {
    const k = this.keys;
    const [status] = await this.scripts.list('createSweep', [k.sweep(meta.id), k.sweeps(), k.events()], [
      this.op(), meta.id, meta.source, String(meta.seed), meta.createdAt, meta.state,
      flag(meta.endedReason), flag(meta.endedAt), JSON.stringify(sweep), sweep.metric?.goal ?? 'minimize',
    ]); // prettier-ignore
    if (status === 'exists') {
      throw new FFError('FF_STORE', `sweep '${meta.id}' already exists in the store (key prefix '${this.prefix}'); use another sweep id`);
    }
  }

  async getSweep(id: string): Promise<{ meta: SweepMeta; sweep: ResolvedSweep } | undefined> {
    const values = await this.redis.hmget(this.keys.sweep(id), ...META_FIELDS, 'sweep');
    const meta = decodeMeta(values);
    const sweep = decodeSweep(values[META_FIELDS.length] ?? undefined);
    return meta !== undefined && sweep !== undefined ? { meta, sweep } : undefined;
  }

  /** Newest first (as `LocalSweepStore.list`). */
  async listSweeps(): Promise<SweepMeta[]> {
    const ids = await this.redis.smembers(this.keys.sweeps());
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.sweep(id), ...META_FIELDS);
    const out: SweepMeta[] = [];
    for (const [err, values] of (await pipe.exec()) ?? []) {
      const meta = err ? undefined : decodeMeta(values as Array<string | null>);
      if (meta !== undefined) out.push(meta);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async setSweepState(id: string, state: SweepState, reason?: string): Promise<SweepMeta | undefined> {
    const values = await this.scripts.list('setSweepState', [this.keys.sweep(id), this.keys.events()], [
      id, state, flag(reason), new Date().toISOString(),
    ]); // prettier-ignore
    return decodeMeta(values);
  }

  // --- trials (coordinator side) --------------------------------------------------------------

  async claimTrials(sweepId: string, requests: readonly ClaimRequest[], runCap: number | undefined): Promise<ClaimResult> {
    if (requests.length === 0) return { claimed: [], refused: [] };
    const k = this.keys;
    const createdAt = new Date().toISOString();
    const args: string[] = [this.op(), k.trialPrefix(sweepId), sweepId, flag(runCap === undefined ? undefined : String(runCap)), createdAt, String(requests.length)];
    for (const r of requests) {
      args.push(flag(r.key), JSON.stringify(r.params), flag(r.suggestion === undefined ? undefined : JSON.stringify(r.suggestion)));
    }
    const reply = await this.scripts.list('claimTrials', [k.sweep(sweepId), k.sweepKeys(sweepId), k.events()], args);
    const claimed: StoredTrial[] = [];
    const refused: Array<ClaimResult['refused'][number]> = [];
    reply.forEach((item, index) => {
      if (item !== undefined && /^\d+$/.test(item)) {
        const number = Number(item);
        const r = requests[index]!;
        const t: StoredTrial = {
          id: trialId(sweepId, number), sweepId, number, state: 'queued', params: { ...r.params },
          metricHistory: [], attempt: 1, dispatch: 1, createdAt, steps: 0,
        }; // prettier-ignore
        if (r.suggestion !== undefined) t.suggestion = { ...r.suggestion };
        claimed.push(t);
      } else {
        refused.push({ index, reason: item === 'run_cap' || item === 'duplicate' ? item : 'not_running' });
      }
    });
    return { claimed, refused };
  }

  async getTrials(sweepId: string): Promise<StoredTrial[]> {
    const count = Number((await this.redis.hget(this.keys.sweep(sweepId), 'next')) ?? 0);
    const out: StoredTrial[] = [];
    // Chunks bound the reply size; each chunk is one round trip.
    for (let start = 0; start < count; start += 2000) {
      const end = Math.min(count, start + 2000);
      const pipe = this.redis.pipeline();
      for (let n = start; n < end; n++) pipe.hgetall(this.keys.trial(sweepId, n)).lrange(this.keys.hist(sweepId, n), 0, -1);
      const res = (await pipe.exec()) ?? [];
      for (let i = 0; i + 1 < res.length; i += 2) {
        const [e1, h] = res[i]!;
        const [e2, hist] = res[i + 1]!;
        if (e1 || e2) throw new FFError('FF_REDIS', `reading trials of sweep '${sweepId}' failed: ${String(e1 ?? e2)}`);
        const t = decodeTrial(sweepId, h as Record<string, string>, hist as string[]);
        if (t !== undefined) out.push(t);
      }
    }
    return out;
  }

  async getTrial(sweepId: string, number: number): Promise<StoredTrial | undefined> {
    const res = (await this.redis.pipeline().hgetall(this.keys.trial(sweepId, number)).lrange(this.keys.hist(sweepId, number), 0, -1).exec()) ?? [];
    const [[e1, h], [e2, hist]] = res as Array<[Error | null, unknown]>;
    if (e1 || e2) throw new FFError('FF_REDIS', `reading trial ${number} of sweep '${sweepId}' failed: ${String(e1 ?? e2)}`);
    return decodeTrial(sweepId, h as Record<string, string>, hist as string[]);
  }

  async getSteps(sweepId: string, number: number): Promise<Array<Record<string, unknown>>> {
    const raw = await this.redis.lrange(this.keys.steps(sweepId, number), 0, -1);
    const out: Array<Record<string, unknown>> = [];
    for (const s of raw) {
      try {
        out.push(JSON.parse(s) as Record<string, unknown>);
      } catch {
        // not written by us; skip rather than hide the other steps
      }
    }
    return out;
  }

  async requestStop(sweepId: string, number: number, reason: string, decision?: StopDecision): Promise<void> {
    const why = reason === '' ? 'stopped' : reason;
    const notice = JSON.stringify({ sweepId, number, reason: why });
    await this.scripts.run('requestStop', [this.keys.trial(sweepId, number), this.keys.events()], [
      sweepId, String(number), why, flag(decision === undefined ? undefined : JSON.stringify(decision)),
      new Date().toISOString(), this.keys.stopChannel(), notice,
    ]); // prettier-ignore
  }

  async setDecision(sweepId: string, number: number, decision: StopDecision): Promise<void> {
    await this.scripts.run('setDecision', [this.keys.trial(sweepId, number)], [JSON.stringify(decision)]);
  }

  async expiredLeases(now: number): Promise<TrialLease[]> {
    const members = await this.redis.zrangebyscore(this.keys.leases(), '-inf', `(${Math.floor(now)}`);
    return members.map(parseLeaseMember).filter((l): l is TrialLease => l !== undefined);
  }

  async recoverExpired(lease: TrialLease, maxAttempts: number, why: string): Promise<StoredTrial | undefined> {
    const k = this.keys;
    const { sweepId, number } = lease;
    const reply = await this.scripts.list(
      'recoverExpired',
      [k.trial(sweepId, number), k.hist(sweepId, number), k.steps(sweepId, number), k.stepsArchive(sweepId, number, lease.attempt), k.leases(), k.events()],
      [...this.fence(lease), String(maxAttempts), why, new Date().toISOString(), leaseMember(lease)],
    );
    return reply[0] === 'requeued' ? this.trialFrom(sweepId, reply) : undefined;
  }

  // --- trials (worker side) -------------------------------------------------------------------

  /** Common ARGV head of fenced scripts: op sweepId number attempt dispatch. */
  private fence(lease: TrialLease): string[] {
    return [this.op(), lease.sweepId, String(lease.number), String(lease.attempt), String(lease.dispatch)];
  }

  private trialFrom(sweepId: string, reply: Reply): StoredTrial | undefined {
    return decodeTrial(sweepId, pairs(reply.slice(1).map((s) => s ?? '')), []);
  }

  async startTrial(lease: TrialLease, worker: string, leaseMs: number): Promise<StartResult> {
    const k = this.keys;
    const reply = await this.scripts.list('startTrial', [k.trial(lease.sweepId, lease.number), k.sweep(lease.sweepId), k.leases(), k.events()], [
      ...this.fence(lease), worker, String(Math.max(1, Math.round(leaseMs))), new Date().toISOString(), leaseMember(lease),
    ]); // prettier-ignore
    const status = reply[0];
    if (status === 'ok') {
      const trial = this.trialFrom(lease.sweepId, reply);
      if (trial !== undefined) return { ok: true, trial };
      return { ok: false, reason: 'not_found' };
    }
    return { ok: false, reason: status === 'sweep_inactive' || status === 'not_found' ? status : 'superseded' };
  }

  async renewLease(lease: TrialLease, leaseMs: number): Promise<boolean> {
    const r = await this.scripts.run('renewLease', [this.keys.trial(lease.sweepId, lease.number), this.keys.leases()], [
      String(lease.attempt), String(lease.dispatch), String(Math.max(1, Math.round(leaseMs))), leaseMember(lease),
    ]); // prettier-ignore
    return r === 1;
  }

  async appendStep(lease: TrialLease, metrics: Readonly<Record<string, unknown>>, value: number | undefined, at: number): Promise<ReportResult> {
    const k = this.keys;
    const { sweepId, number } = lease;
    const reply = await this.scripts.list(
      'appendStep',
      [k.trial(sweepId, number), k.hist(sweepId, number), k.steps(sweepId, number), k.sweep(sweepId), k.events()],
      [...this.fence(lease), JSON.stringify(metrics), encodeValue(value), String(Number.isFinite(at) ? at : Date.now())],
    );
    if (reply[0] !== 'ok') return { ok: false, reason: reply[0] === 'not_found' ? 'not_found' : 'superseded' };
    const stop = reply[2];
    return stop !== undefined && stop !== '' ? { ok: true, step: Number(reply[1]), stop } : { ok: true, step: Number(reply[1]) };
  }

  async endTrial(lease: TrialLease, end: TrialEnd): Promise<boolean> {
    const k = this.keys;
    const failed = end.status === 'failed' ? end : undefined;
    const exitCode = failed?.exitCode === undefined ? undefined : String(failed.exitCode);
    const reply = await this.scripts.list('endTrial', [k.trial(lease.sweepId, lease.number), k.leases(), k.events()], [
      ...this.fence(lease), end.status, end.status === 'stopped' ? end.reason : '', failed?.error ?? '',
      flag(exitCode), flag(failed?.stderrTail), new Date().toISOString(), leaseMember(lease),
    ]); // prettier-ignore
    return reply[0] === 'ok';
  }

  async handBack(lease: TrialLease, why: string): Promise<StoredTrial | undefined> {
    const k = this.keys;
    const { sweepId, number } = lease;
    const reply = await this.scripts.list(
      'handBack',
      [k.trial(sweepId, number), k.hist(sweepId, number), k.steps(sweepId, number), k.leases(), k.events()],
      [...this.fence(lease), why, new Date().toISOString(), leaseMember(lease)],
    );
    return reply[0] === 'requeued' ? this.trialFrom(sweepId, reply) : undefined;
  }

  // --- workers and events ---------------------------------------------------------------------

  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return this.workers.heartbeat(info, ttlMs);
  }

  removeWorker(id: string): Promise<void> {
    return this.workers.remove(id);
  }

  liveWorkers(): Promise<WorkerInfo[]> {
    return this.workers.live();
  }

  latestCursor(): Promise<string> {
    return this.events.latestCursor();
  }

  readEvents(cursor: string, blockMs: number, max?: number): Promise<EventBatch> {
    return this.events.read(cursor, blockMs, max);
  }

  async close(): Promise<void> {
    await this.events.close();
    if (this.ownsClient) await quitOrDrop(this.redis);
  }
}
