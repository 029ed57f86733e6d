import { SlotAbortedError, SlotLimiter } from '../../../src/queue/slots.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SlotLimiter', () => {
  it('grants up to `size` slots at once, then queues', async () => {
    const s = new SlotLimiter(2);
    const r1 = await s.acquire();
    await s.acquire();
    let third = false;
    const p = s.acquire().then((r) => {
      third = true;
      return r;
    });
    await tick();
    expect([s.inUse, s.queued, third]).toEqual([2, 1, false]);
    r1();
    (await p)();
    expect(third).toBe(true);
    expect([s.inUse, s.queued]).toEqual([1, 0]);
  });

  it('serves waiters in FIFO order', async () => {
    const s = new SlotLimiter(1);
    const first = await s.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3, 4].map((i) =>
      s.acquire().then((release) => {
        order.push(i);
        release();
      }),
    );
    first();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(s.inUse).toBe(0);
  });

  it('hands a released slot to the queue before a newcomer', async () => {
    const s = new SlotLimiter(1);
    const first = await s.acquire();
    const order: string[] = [];
    const waiter = s.acquire().then((r) => {
      order.push('waiter');
      r();
    });
    first();
    const newcomer = s.acquire().then((r) => {
      order.push('newcomer');
      r();
    });
    await Promise.all([waiter, newcomer]);
    expect(order).toEqual(['waiter', 'newcomer']);
  });

  it('ignores a second release', async () => {
    const s = new SlotLimiter(1);
    const r = await s.acquire();
    r();
    r();
    expect(s.inUse).toBe(0);
    const a = await s.acquire();
    expect(s.inUse).toBe(1);
    a();
  });

  it('an aborted wait leaves the queue and rejects', async () => {
    const s = new SlotLimiter(1);
    const held = await s.acquire();
    const ac = new AbortController();
    const aborted = s.acquire(ac.signal);
    const later = s.acquire();
    ac.abort();
    await expect(aborted).rejects.toBeInstanceOf(SlotAbortedError);
    expect(s.queued).toBe(1);
    held();
    (await later)();
    expect(s.inUse).toBe(0);
    await expect(s.acquire(ac.signal)).rejects.toThrow('slot acquisition aborted');
  });

  it('run() holds a slot for the call, also when it throws', async () => {
    const s = new SlotLimiter(1);
    await expect(s.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(s.inUse).toBe(0);
    expect(await s.run(async () => s.inUse)).toBe(1);
  });

  it('refuses a size below 1', () => {
    expect(() => new SlotLimiter(0)).toThrow(RangeError);
    expect(() => new SlotLimiter(1.5)).toThrow(RangeError);
  });
});
