import type { TrialConsumer, TrialJob } from '../../../src/queue/contract.js';
import { MemoryTrialConsumer, MemoryTrialQueue, memoryConsumerPool } from '../../../src/queue/memory.js';
import type { ConsumerPool } from '../../../src/queue/pool.js';
import { queueConformance } from './queue-suite.js';
import type { QueueHarness } from './queue-suite.js';

function memoryHarness(): QueueHarness {
  const queue = new MemoryTrialQueue();
  const consumers: TrialConsumer[] = [];
  const pools: ConsumerPool[] = [];
  return {
    queue,
    async consumer(sweepId, processor, concurrency, onError) {
      const c = new MemoryTrialConsumer({ queue, sweepId, processor, concurrency, onError });
      consumers.push(c);
      return c;
    },
    pool(concurrency, onError) {
      const p = memoryConsumerPool(queue, concurrency, onError);
      pools.push(p);
      return p;
    },
    async injectRaw(_sweepId, _id, data) {
      await queue.enqueue([data as TrialJob]);
    },
    async cleanup() {
      await Promise.all([...consumers.map((c) => c.close(false)), ...pools.map((p) => p.close(false))]);
      await queue.close();
    },
  };
}

queueConformance('memory', memoryHarness);
