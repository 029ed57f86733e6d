/**
 * A worker process serving several sweeps: one consumer per sweep, all drawing on one
 * {@link SlotLimiter} so that at most `concurrency` trials run in the process at once.
 *
 * Each consumer may take up to `concurrency` jobs from its sweep's queue; a job taken while every
 * slot is busy waits in this process (its BullMQ lock is renewed meanwhile) until a slot frees.
 * So with k sweeps a process can hold up to (k − 1)·concurrency taken-but-not-started jobs that
 * another idle worker could have run: the price of one fetch loop per sweep.
 */
import type { TrialConsumer, TrialProcessor } from './contract.js';
import { SlotLimiter } from './slots.js';

/** Builds the consumer of one sweep, with the pool's per-sweep concurrency and shared slots. */
export type ConsumerFactory = (sweepId: string, processor: TrialProcessor, concurrency: number, slots: SlotLimiter) => TrialConsumer;

export class ConsumerPool {
  readonly slots: SlotLimiter;
  private readonly consumers = new Map<string, TrialConsumer>();

  constructor(
    readonly concurrency: number,
    private readonly factory: ConsumerFactory,
  ) {
    this.slots = new SlotLimiter(concurrency);
  }

  /** Starts consuming a sweep's queue; a sweep already served is left as it is. */
  serve(sweepId: string, processor: TrialProcessor): void {
    if (this.consumers.has(sweepId)) return;
    this.consumers.set(sweepId, this.factory(sweepId, processor, this.concurrency, this.slots));
  }

  /** Sweeps currently served, in the order they were added. */
  serving(): string[] {
    return [...this.consumers.keys()];
  }

  /** Stops serving one sweep (see {@link TrialConsumer.close} for `drain`). */
  async stop(sweepId: string, drain: boolean): Promise<void> {
    const consumer = this.consumers.get(sweepId);
    if (!consumer) return;
    this.consumers.delete(sweepId);
    await consumer.close(drain);
  }

  async close(drain: boolean): Promise<void> {
    const all = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.all(all.map((c) => c.close(drain)));
  }
}
