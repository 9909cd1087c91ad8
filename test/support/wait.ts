/*
 * Waiting in tests: for a condition, with a deadline, never for a fixed time.
 *
 *   await eventually(() => slack.callsTo('chat.postMessage').length === 2);            // 5 s deadline
 *   const row = await eventually(() => store.answers.latest(id).then((a) => a[0]), { timeout: 20_000 });
 *   await settled(t.service);   // nothing in flight: then check that something did NOT happen
 *
 * `eventually` returns the first truthy value of `check` (a thrown error counts as "not yet"; the
 * last one is rethrown at the deadline, with what was awaited). `settled` waits until the service
 * reports no work in flight (`Service.busy()`: requests being handled, the outbox, jobs): after
 * it, "Ocean got exactly one request" is a fact, not a guess that 500 ms were enough.
 */

export interface WaitOptions {
  /** The deadline, in milliseconds (default 5000). */
  timeout?: number;
  /** Time between two checks, in milliseconds (default 20). */
  interval?: number;
  /** What is awaited, for the error at the deadline. */
  what?: string;
}

/** Polls until `check` returns a truthy value, and returns it; fails at the deadline. */
export async function eventually<T>(check: () => T | Promise<T>, options: WaitOptions | number = {}): Promise<NonNullable<T>> {
  const { timeout = 5000, interval = 20, what } = typeof options === 'number' ? { timeout: options } : options;
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeout) {
      if (last instanceof Error) throw last;
      throw new Error(`${what ?? 'condition'} not met within ${timeout} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Anything that can say how much work it has in flight (the service, the core). */
export interface Busy {
  busy(): number;
}

/**
 * Waits until `target` has had no work in flight for two checks in a row (a request handled
 * after its acknowledgement can start the outbox: one idle look is not enough).
 */
export async function settled(target: Busy, options: WaitOptions = {}): Promise<void> {
  let idle = 0;
  await eventually(
    () => {
      idle = target.busy() === 0 ? idle + 1 : 0;
      return idle >= 2;
    },
    { what: 'the service to be idle', ...options },
  );
}
