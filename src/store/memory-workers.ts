/** The memory store's worker registry: liveness deadlines instead of Redis key ttls, same events. */
import type { StoreEvent, WorkerInfo } from '../coordinator/store.js';
import { workerShape } from './codec.js';

export class MemoryWorkers {
  private readonly workers = new Map<string, { info: WorkerInfo; shape: string; until: number }>();

  constructor(private readonly emit: (event: StoreEvent) => void) {}

  heartbeat(info: WorkerInfo, ttlMs: number): void {
    const old = this.workers.get(info.id);
    const alive = old !== undefined && old.until > Date.now();
    const shape = workerShape(info);
    this.workers.set(info.id, { info: structuredClone(info), shape, until: Date.now() + Math.max(1, Math.round(ttlMs)) });
    if (!alive) this.emit({ type: 'worker', workerId: info.id, change: 'joined' });
    else if (old.shape !== shape) this.emit({ type: 'worker', workerId: info.id, change: 'changed' });
  }

  remove(id: string): void {
    if (this.workers.delete(id)) this.emit({ type: 'worker', workerId: id, change: 'left' });
  }

  /** Live workers by id; lapsed ones are forgotten (and announced `left`). */
  live(): WorkerInfo[] {
    const out: WorkerInfo[] = [];
    for (const [id, w] of [...this.workers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (w.until > Date.now()) out.push(structuredClone(w.info));
      else this.remove(id);
    }
    return out;
  }
}
