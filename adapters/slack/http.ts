import type { FetchFunction } from '@slack/web-api';
import { Agent, request } from 'undici';

/**
 * Slack's one HTTP client: the Web API calls (through @slack/web-api's `fetch` option) and the
 * `response_url` answers share one undici pool of keep-alive connections. Node's own `fetch`
 * (another copy of undici, with WHATWG streams on every call) stays out of the request path.
 */
export const slackAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128, headersTimeout: 30_000, bodyTimeout: 30_000 });

type Headers = Record<string, string | string[] | undefined>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * The `fetch` @slack/web-api asks for, over `undici.request`: a URL-encoded body as it is, a
 * multipart one (files) encoded by the platform's Response first. Redirects are not followed
 * (the client asks for `redirect: 'error'` and treats any status but 200 as a failure).
 */
export const slackFetch: FetchFunction = async (url, init = {}) => {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | Buffer | undefined;
  if (typeof init.body === 'string' || init.body === undefined) body = init.body;
  else {
    const encoded = new Response(init.body);
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    body = Buffer.from(await encoded.arrayBuffer());
  }
  const res = await request(String(url), {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    body,
    signal: init.signal,
    dispatcher: slackAgent,
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return response(String(url), res.statusCode, res.headers as Headers, bytes);
};

function response(url: string, status: number, raw: Headers, bytes: Buffer): FetchResponse {
  const value = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    url,
    headers: {
      get: (name: string) => value(raw[name.toLowerCase()]) ?? null,
      *entries() {
        for (const [k, v] of Object.entries(raw)) if (v !== undefined) yield [k, value(v) as string];
      },
    },
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    json: async () => JSON.parse(bytes.toString('utf8')) as unknown,
    text: async () => bytes.toString('utf8'),
  };
}
