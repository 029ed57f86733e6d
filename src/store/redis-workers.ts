/** Worker registry on Redis (see lua/worker-scripts.ts for the event rules). */
import type { Redis } from 'ioredis';
import type { WorkerInfo } from '../coordinator/store.js';
import { workerShape } from './codec.js';
import type { RedisKeys } from './redis-keys.js';
import type { ScriptRunner } from './redis-scripts.js';

export class RedisWorkers {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly scripts: ScriptRunner,
  ) {}

  async heartbeat(info: WorkerInfo, ttlMs: number): Promise<void> {
    const k = this.keys;
    await this.scripts.run('heartbeatWorker', [k.workers(), k.worker(info.id), k.events()], [
      info.id, JSON.stringify(info), workerShape(info), String(Math.max(1, Math.round(ttlMs))),
    ]); // prettier-ignore
  }

  async remove(id: string): Promise<void> {
    const k = this.keys;
    await this.scripts.run('removeWorker', [k.workers(), k.worker(id), k.events()], [id]);
  }

  /** Live workers by id; those whose liveness lapsed are forgotten (and announced `left`) on the way. */
  async live(): Promise<WorkerInfo[]> {
    const k = this.keys;
    const all = await this.redis.hgetall(k.workers());
    const ids = Object.keys(all).sort();
    if (ids.length === 0) return [];
    const alive = await this.redis.mget(...ids.map((id) => k.worker(id)));
    const out: WorkerInfo[] = [];
    const dead: string[] = [];
    ids.forEach((id, i) => {
      if (alive[i] === null) {
        dead.push(id);
        return;
      }
      try {
        out.push(JSON.parse(all[id]!) as WorkerInfo);
      } catch {
        dead.push(id);
      }
    });
    await Promise.all(dead.map((id) => this.scripts.run('reapWorker', [k.workers(), k.worker(id), k.events()], [id])));
    return out;
  }
}
