/**
 * Faults the simulator can inject, set at start and changed while it runs (tests, benchmarks,
 * and `POST /__sim/faults`). Counts are consumed request by request.
 */
export interface Faults {
  /** Added to every answer. */
  latencyMs: number;
  /** Requests a second above which the simulator answers 429; 0 means unlimited. */
  rateLimitPerSecond: number;
  /** `Retry-After` sent with 429s, in seconds; null sends no header. */
  retryAfterSeconds: number | null;
  /** The next N requests answer this status (500, 503, ...), after letting `after` of them through. */
  failNext: { status: number; count: number; retryAfterSeconds?: number; after?: number } | null;
  /** The next N requests answer 200 with a body that is not JSON. */
  malformedNext: number;
  /** The next N requests answer 200 with JSON of the wrong shape. */
  wrongShapeNext: number;
  /** The next N requests answer 200 with this JSON body (or this raw text), whatever they asked. */
  bodyNext: { count: number; body?: unknown; raw?: string } | null;
  /** The next N requests have their connection destroyed without an answer. */
  dropNext: number;
  /** The next N requests never answer (until the client gives up). */
  hangNext: number;
  /** Only requests to endpoints starting with this are affected (all when empty). */
  only: string;
  /** Only requests with this method are affected (all when empty). */
  onlyMethod: string;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  rateLimitPerSecond: 0,
  retryAfterSeconds: 1,
  failNext: null,
  malformedNext: 0,
  wrongShapeNext: 0,
  bodyNext: null,
  dropNext: 0,
  hangNext: 0,
  only: '',
  onlyMethod: '',
};

export type FaultAction =
  | { type: 'none' }
  | { type: 'drop' }
  | { type: 'hang' }
  | { type: 'status'; status: number; retryAfterSeconds: number | null }
  | { type: 'malformed' }
  | { type: 'wrongShape' }
  | { type: 'body'; body?: unknown; raw?: string };

/** Decides, request by request, which fault applies. */
export class FaultInjector {
  faults: Faults = { ...NO_FAULTS };
  private windowStart = 0;
  private windowCount = 0;

  set(partial: Partial<Faults>): Faults {
    this.faults = { ...this.faults, ...partial };
    return this.faults;
  }

  reset(): void {
    this.faults = { ...NO_FAULTS };
  }

  next(endpoint: string, nowMs: number, method = ''): FaultAction {
    const f = this.faults;
    if (f.only && !endpoint.startsWith(f.only)) return { type: 'none' };
    if (f.onlyMethod && method !== f.onlyMethod) return { type: 'none' };
    if (f.dropNext > 0) {
      f.dropNext -= 1;
      return { type: 'drop' };
    }
    if (f.hangNext > 0) {
      f.hangNext -= 1;
      return { type: 'hang' };
    }
    if (f.rateLimitPerSecond > 0) {
      if (nowMs - this.windowStart >= 1000) {
        this.windowStart = nowMs;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > f.rateLimitPerSecond) return { type: 'status', status: 429, retryAfterSeconds: f.retryAfterSeconds };
    }
    if (f.failNext?.after) {
      f.failNext.after -= 1;
    } else if (f.failNext && f.failNext.count > 0) {
      f.failNext.count -= 1;
      const { status, retryAfterSeconds } = f.failNext;
      if (f.failNext.count === 0) f.failNext = null;
      return { type: 'status', status, retryAfterSeconds: retryAfterSeconds ?? null };
    }
    if (f.malformedNext > 0) {
      f.malformedNext -= 1;
      return { type: 'malformed' };
    }
    if (f.wrongShapeNext > 0) {
      f.wrongShapeNext -= 1;
      return { type: 'wrongShape' };
    }
    if (f.bodyNext && f.bodyNext.count > 0) {
      f.bodyNext.count -= 1;
      const { body, raw } = f.bodyNext;
      if (f.bodyNext.count === 0) f.bodyNext = null;
      return { type: 'body', body, raw };
    }
    return { type: 'none' };
  }
}
