import { AfterAck } from '../../adapters/after-ack';

/** Jobs that record when they started and finish when released. */
function jobs(count: number) {
  const started: number[] = [];
  const release: (() => void)[] = [];
  const list = Array.from({ length: count }, () => () =>
    new Promise<void>((resolve) => {
      started.push(performance.now());
      release.push(resolve);
    }),
  );
  return { list, started, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(1);
  }
}

describe('the pace of the work after the acknowledgement', () => {
  it('a lone job starts at once; with no request for a while, jobs run side by side up to the limit', async () => {
    const queue = new AfterAck({ concurrency: 4, onError: () => undefined });
    const { list, started, releaseAll } = jobs(6);
    const t0 = performance.now();
    queue.offer(list[0]!);
    await until(() => started.length === 1);
    expect(started[0]! - t0).toBeLessThan(100);
    for (const job of list.slice(1)) queue.offer(job);
    await until(() => started.length === 4);
    await sleep(30);
    expect(started).toHaveLength(4); // the limit; the last two wait for a slot
    releaseAll();
    await until(() => started.length === 6);
    releaseAll();
    await queue.drain(1000);
  });

  it('between requests, with room on the thread, queued work starts at once', async () => {
    const queue = new AfterAck({ concurrency: 16, busyIntervalMs: 20, load: () => 0.3, onError: () => undefined });
    const { list, started, releaseAll } = jobs(12);
    queue.requestStarted();
    queue.requestFinished();
    for (const job of list) queue.offer(job);
    await until(() => started.length === 12);
    expect(started[11]! - started[0]!).toBeLessThan(15);
    releaseAll();
    await queue.drain(1000);
  });

  it('while a request waits for its acknowledgement, one job starts per interval; once none waits, the rest start together', async () => {
    const queue = new AfterAck({ concurrency: 16, busyIntervalMs: 20, quietMs: 5, load: () => 0.3, onError: () => undefined });
    const { list, started, releaseAll } = jobs(12);
    queue.requestStarted(); // a request waiting for its answer
    for (const job of list) queue.offer(job);
    await sleep(110);
    // About one start every 20 ms; never all twelve.
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(started.length).toBeLessThanOrEqual(7);
    const gaps = started.slice(1).map((at, i) => at - started[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(19);
    const before = started.length;
    queue.requestFinished();
    await until(() => started.length === 12);
    // Together, not 20 ms apart (paced, the five or more left would take 80 ms or more).
    expect(12 - before).toBeGreaterThanOrEqual(5);
    expect(started[11]! - started[before]!).toBeLessThan(60);
    releaseAll();
    await queue.drain(1000);
  });

  it('an overloaded thread paces the work between requests too, until they stop coming', async () => {
    // A long quiet (300 ms), so that a loaded machine's late timers do not look like quiet.
    const queue = new AfterAck({ concurrency: 16, busyIntervalMs: 20, quietMs: 300, load: () => 0.95, onError: () => undefined });
    const { list, started, releaseAll } = jobs(12);
    // Requests come and go every 2 ms: none is waiting when the work is looked at.
    const traffic = setInterval(() => {
      queue.requestStarted();
      queue.requestFinished();
    }, 2);
    try {
      await sleep(10);
      for (const job of list) queue.offer(job);
      await sleep(110);
      expect(started.length).toBeGreaterThanOrEqual(3);
      expect(started.length).toBeLessThanOrEqual(7);
    } finally {
      clearInterval(traffic);
    }
    await until(() => started.length === 12);
    releaseAll();
    await queue.drain(1000);
  });

  it('a full queue refuses, and says so', () => {
    let shed = 0;
    const queue = new AfterAck({ capacity: 2, onError: () => undefined, onShed: () => (shed += 1) });
    queue.requestStarted();
    const never = () => new Promise<void>(() => undefined);
    expect([queue.offer(never), queue.offer(never), queue.offer(never)]).toEqual([true, true, false]);
    expect(shed).toBe(1);
  });
});
