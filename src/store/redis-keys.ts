/**
 * Key layout of the Redis trial store. Every key lives under `<prefix>:` so several installations
 * (and test runs) can share one Redis. The Lua scripts build a few keys themselves from the string
 * prefixes below (trial keys of newly claimed trials), so the two must agree: change both together.
 *
 *   <p>:sweeps                      set     sweep ids
 *   <p>:sweep:<id>                  hash    meta fields (id source seed createdAt state endedReason
 *                                           endedAt), sweep (ResolvedSweep JSON), goal, next (the
 *                                           next trial number = trials claimed), op/opr (replay memo)
 *   <p>:sweep:<id>:keys             set     canonical keys of claimed trials (finite-space dedupe)
 *   <p>:trial:<id>:<n>              hash    number params key state attempt dispatch worker leaseUntil
 *                                           steps value decision stopReason stopRequested error
 *                                           exitCode stderrTail createdAt startedAt endedAt suggestion
 *                                           lastMetrics op/opr
 *   <p>:trial:<id>:<n>:hist         list    finite sweep-metric values of the current attempt
 *   <p>:trial:<id>:<n>:steps        list    step metrics JSON of the current attempt
 *   <p>:trial:<id>:<n>:steps:a<k>   list    steps of an earlier attempt k (kept after lease expiry)
 *   <p>:leases                      zset    score = lease deadline (ms, Redis server clock),
 *                                           member = `<id>|<n>|<attempt>|<dispatch>`
 *   <p>:events                      stream  field `e` = StoreEvent JSON, MAXLEN ~ 100000
 *   <p>:workers                     hash    worker id → WorkerInfo JSON
 *   <p>:worker:<wid>                string  liveness (PX ttl); value = concurrency|sweeps, to detect changes
 *   <p>:stop                        pub/sub channel of StopNotice JSON
 */
import type { TrialLease } from '../coordinator/store.js';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  sweeps(): string {
    return `${this.prefix}:sweeps`;
  }
  sweep(id: string): string {
    return `${this.prefix}:sweep:${id}`;
  }
  sweepKeys(id: string): string {
    return `${this.prefix}:sweep:${id}:keys`;
  }
  /** `trialPrefix(id) + n` is the trial hash (the claim script builds it this way). */
  trialPrefix(id: string): string {
    return `${this.prefix}:trial:${id}:`;
  }
  trial(id: string, n: number): string {
    return `${this.trialPrefix(id)}${n}`;
  }
  hist(id: string, n: number): string {
    return `${this.trial(id, n)}:hist`;
  }
  steps(id: string, n: number): string {
    return `${this.trial(id, n)}:steps`;
  }
  stepsArchive(id: string, n: number, attempt: number): string {
    return `${this.steps(id, n)}:a${attempt}`;
  }
  leases(): string {
    return `${this.prefix}:leases`;
  }
  events(): string {
    return `${this.prefix}:events`;
  }
  workers(): string {
    return `${this.prefix}:workers`;
  }
  worker(id: string): string {
    return `${this.prefix}:worker:${id}`;
  }
  stopChannel(): string {
    return `${this.prefix}:stop`;
  }
}

/** Member of the leases sorted set: the whole fencing token, so a renewal updates one member. */
export function leaseMember(lease: TrialLease): string {
  return `${lease.sweepId}|${lease.number}|${lease.attempt}|${lease.dispatch}`;
}

/** Parses from the right, so a sweep id containing `|` still round-trips. */
export function parseLeaseMember(member: string): TrialLease | undefined {
  const parts = member.split('|');
  if (parts.length < 4) return undefined;
  const dispatch = Number(parts.pop());
  const attempt = Number(parts.pop());
  const number = Number(parts.pop());
  const sweepId = parts.join('|');
  if (![dispatch, attempt, number].every(Number.isInteger)) return undefined;
  return { sweepId, number, attempt, dispatch };
}
