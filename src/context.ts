import { AsyncLocalStorage } from 'node:async_hooks';

/** What follows a request through every async step: its id, for logs and for Ocean calls. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

let running = 0;

/**
 * Runs `work` with `context` as the current request context, which every async step it starts
 * inherits (Ocean calls send its id as `x-request-id`).
 *
 * On Node 20, AsyncLocalStorage tracks contexts with a promise hook that costs every promise of
 * the process something while it is enabled, the acknowledgements' too. So the storage is
 * enabled only while some request's work runs, and disabled when the last one ends: nothing is
 * lost then, as no request's work is under way.
 */
export async function withRequestContext<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await requestContext.run(context, work);
  } finally {
    running -= 1;
    if (running === 0) requestContext.disable();
  }
}
