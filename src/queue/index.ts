/**
 * The queue seam. BullMQ (and its ~0.4 s import) is loaded only by {@link loadBullmq}, so `ff run`
 * and unit tests, which use the in-memory twin, never pay for it.
 */
export * from './contract.js';
export { jobProblem, unsupportedVersionMessage } from './check.js';
export { MemoryTrialConsumer, MemoryTrialQueue, memoryConsumerPool } from './memory.js';
export type { MemoryConsumerOptions } from './memory.js';
export { ConsumerPool } from './pool.js';
export type { ConsumerFactory } from './pool.js';
export { SlotAbortedError, SlotLimiter } from './slots.js';
export type { Release } from './slots.js';
export type { BullConsumerOptions, BullPoolOptions, BullQueueOptions, RedisConnectionSpec } from './bullmq.js';

/** The BullMQ implementation (BullTrialQueue, BullTrialConsumer, bullConsumerPool, …). */
export function loadBullmq(): Promise<typeof import('./bullmq.js')> {
  return import('./bullmq.js');
}
