import { AsyncLocalStorage } from 'node:async_hooks';

/** What follows a request through every async step: its id, for logs and for Ocean calls. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
