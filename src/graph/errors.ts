/** What went wrong with a Microsoft Graph call, in the terms the installer decides on. */
export type GraphErrorKind =
  | 'auth' // no token: wrong secret, no admin consent, unknown tenant
  | 'forbidden' // 403: a permission not granted, or the app blocked by the tenant's policy
  | 'notFound' // 404: no such user, or the app is not in the organisation's catalogue
  | 'invalidInput' // 400
  | 'rateLimited' // 429 after every retry
  | 'unavailable' // 5xx, timeouts, connection errors after every retry
  | 'badResponse'; // a 2xx whose body does not match the documented shape

/** Graph's error body: `{"error": {"code", "message", "innerError"}}`. */
export interface GraphErrorDetails {
  kind: GraphErrorKind;
  endpoint: string;
  status?: number;
  code?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The one error type of the Graph client. Its message names the call and Graph's code, never a token or an e-mail. */
export class GraphError extends Error {
  readonly kind: GraphErrorKind;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: GraphErrorDetails) {
    super(`Graph ${details.endpoint} failed (${details.kind}${details.status ? ` ${details.status}` : ''})${details.code ? `: ${details.code}` : ''}`, {
      cause: details.cause,
    });
    this.name = 'GraphError';
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function graphKindForStatus(status: number): GraphErrorKind {
  if (status === 400) return 'invalidInput';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rateLimited';
  return 'unavailable';
}

/** Graph's `Retry-After`: seconds (an HTTP date is read too, in case). */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
