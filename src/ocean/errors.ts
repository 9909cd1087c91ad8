/** What went wrong with an Ocean call, in the terms callers decide on. */
export type OceanErrorKind =
  | 'auth' // 401 that survived a fresh login, or a refused login
  | 'forbidden' // 403
  | 'notFound' // 404
  | 'invalidInput' // 400, or Ocean answered `false` to a change
  | 'rateLimited' // 429 after every retry
  | 'unavailable' // 5xx, timeouts, connection errors after every retry
  | 'badResponse'; // a 2xx whose body does not match the documented shape

export interface OceanErrorDetails {
  kind: OceanErrorKind;
  endpoint: string;
  status?: number;
  oceanMessage?: string;
  oceanStatus?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error type of the Ocean client. Its message names the endpoint and Ocean's own
 * words; it never carries the session token, the password or the query string.
 */
export class OceanError extends Error {
  readonly kind: OceanErrorKind;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly oceanMessage: string | undefined;
  readonly oceanStatus: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: OceanErrorDetails) {
    const status = details.status === undefined ? '' : ` ${details.status}`;
    const said = details.oceanMessage ? `: ${details.oceanMessage}` : '';
    super(`Ocean ${details.endpoint} failed (${details.kind}${status})${said}`, { cause: details.cause });
    this.name = 'OceanError';
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.oceanMessage = details.oceanMessage;
    this.oceanStatus = details.oceanStatus;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function kindForStatus(status: number): OceanErrorKind {
  if (status === 400 || status === 422) return 'invalidInput';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rateLimited';
  return 'unavailable';
}

/**
 * Ocean's error bodies are undocumented for our endpoints; the shapes seen elsewhere are
 * `{oceanStatus, message}` or a one-element array of it. Fall back to the raw text.
 */
export function readOceanErrorBody(text: string): { message?: string; oceanStatus?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    if (first && typeof first === 'object') {
      const record = first as Record<string, unknown>;
      const message = typeof record.message === 'string' ? record.message : undefined;
      const oceanStatus = typeof record.oceanStatus === 'string' ? record.oceanStatus : undefined;
      if (message || oceanStatus) return { message, oceanStatus };
    }
  } catch {
    // not JSON: use the text itself
  }
  return { message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed };
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: Date): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
