/**
 * The memory store passes the shared conformance suite, and with `persistDir` writes the runs
 * folder that `ff status` reads (LocalSweepStore.open/list).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSweepStore } from '../../../src/coordinator/file-store.js';
import { MemoryTrialStore } from '../../../src/store/memory-store.js';
import { tempDir } from '../../helpers/cli.js';
import { storeConformance } from './store-suite.js';
import { leaseOf, metaOf, sleep, sweepOf } from './store-suite-helpers.js';

storeConformance('memory', async () => {
  const store = new MemoryTrialStore();
  const stop = store.stopChannel();
  return {
    store,
    stop,
    cleanup: async () => {
      await stop.close();
      await store.close();
    },
  };
});

storeConformance('memory (persisted)', async () => {
  const dir = tempDir('ff-memstore-');
  const store = new MemoryTrialStore({ persistDir: dir });
  const stop = store.stopChannel();
  return {
    store,
    stop,
    bulkTrials: 300,
    cleanup: async () => {
      await stop.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('memory trial store: runs folder', () => {
  it('writes sweep.json, trial.json and history.jsonl so LocalSweepStore reads the sweep back', async () => {
    const dir = tempDir('ff-memstore-');
    try {
      const store = new MemoryTrialStore({ persistDir: dir });
      const meta = metaOf('s1');
      await store.createSweep(sweepOf(), meta);
      const claimed = (await store.claimTrials('s1', [{ params: { x: 0.1 } }, { params: { x: 0.2 } }, { params: { x: 0.3 } }], undefined)).claimed;
      const [a, b, c] = claimed.map(leaseOf);
      await store.startTrial(a!, 'w1', 60000);
      await store.appendStep(a!, { loss: 2 }, 2, Date.now());
      // on disk before appendStep resolves
      expect(readFileSync(join(dir, 's1', 'trials', '0', 'history.jsonl'), 'utf8')).toMatch(/^\{"_step":0,"_time":"[^"]+","loss":2\}\n$/);
      await store.appendStep(a!, { loss: 1, acc: 0.5 }, 1, Date.now());
      await store.endTrial(a!, { status: 'finished' });

      // trial 1 loses its worker: the old attempt's history is archived, attempt 2 starts clean
      await store.startTrial(b!, 'w1', 10);
      await store.appendStep(b!, { loss: 9 }, 9, Date.now());
      await sleep(30);
      const retry = await store.recoverExpired(b!, 3, 'worker lost');
      await store.startTrial(leaseOf(retry!), 'w2', 60000);
      await store.appendStep(leaseOf(retry!), { loss: 3 }, 3, Date.now());
      expect(existsSync(join(dir, 's1', 'trials', '1', 'history.a1.jsonl'))).toBe(true);

      await store.requestStop('s1', 2, 'sweep cancelled');
      await store.setSweepState('s1', 'cancelled', 'user cancelled');
      expect(c).toBeDefined();

      const read = LocalSweepStore.open(dir, 's1');
      expect(read.meta).toMatchObject({ id: 's1', state: 'cancelled', endedReason: 'user cancelled' });
      expect(read.trials.map((t) => [t.number, t.state, t.metricHistory, t.steps])).toEqual([
        [0, 'finished', [2, 1], 2],
        [1, 'running', [3], 1],
        [2, 'stopped', [], 0],
      ]);
      expect(read.trials[0]!.lastMetrics).toEqual({ loss: 1, acc: 0.5 });
      expect(read.trials[1]!.attempt).toBe(2);
      expect(read.trials[2]!.stopReason).toBe('sweep cancelled');
      expect(LocalSweepStore.list(dir).map((f) => f.meta.id)).toEqual(['s1']);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
