import { AfterAck } from '../../src/chat/after-ack';
import { eventually } from '../support/wait';

/*
 * What requests do after their acknowledgement runs a few tasks at a time, in order (issue 30: a
 * burst's answers and redraws queued the next acknowledgements behind them); a slow task gives
 * its place up after its lease, and nothing is refused.
 */

/** A task the test finishes by hand. */
function task<T>(value: T) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  let started = false;
  const done = new Promise<T>((resolve, reject) => {
    finish = () => resolve(value);
    fail = reject;
  });
  return {
    work: () => {
      started = true;
      return done;
    },
    started: () => started,
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

describe('after the acknowledgement, a few at a time', () => {
  it('runs at most `concurrency` tasks at once; the others start in the order they came, as places free', async () => {
    const lane = new AfterAck({ concurrency: 2, leaseMs: 60_000 });
    const tasks = [task('a'), task('b'), task('c'), task('d')];
    const results = tasks.map((t) => lane.run(t.work));
    await eventually(() => tasks[0]!.started() && tasks[1]!.started());
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false]);
    expect(lane.waiting()).toBe(2);
    tasks[1]!.finish();
    await expect(results[1]).resolves.toBe('b');
    await eventually(() => tasks[2]!.started());
    expect(tasks[3]!.started()).toBe(false);
    expect(lane.waiting()).toBe(1);
    for (const t of tasks) t.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(lane.waiting()).toBe(0);
  });

  it('a task still running after its lease (waiting on Ocean) gives its place up and still answers its caller', async () => {
    const lane = new AfterAck({ concurrency: 1, leaseMs: 20 });
    const slow = task('slow');
    const quick = task('quick');
    const slowResult = lane.run(slow.work);
    const quickResult = lane.run(quick.work);
    await eventually(() => quick.started());
    expect(slow.started()).toBe(true);
    quick.finish();
    await expect(quickResult).resolves.toBe('quick');
    slow.finish();
    await expect(slowResult).resolves.toBe('slow');
  });

  it('a task that fails rejects its caller and frees its place', async () => {
    const lane = new AfterAck({ concurrency: 1, leaseMs: 60_000 });
    const failing = task('x');
    const next = task('next');
    const failed = lane.run(failing.work);
    const after = lane.run(next.work);
    failing.fail(new Error('Ocean said no'));
    await expect(failed).rejects.toThrow('Ocean said no');
    await eventually(() => next.started());
    next.finish();
    await expect(after).resolves.toBe('next');
    // A task that throws before its first await counts the same.
    await expect(
      lane.run(() => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
  });
});
