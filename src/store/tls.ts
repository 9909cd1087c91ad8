import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { StoreError } from './errors';

/*
 * TLS to PostgreSQL as libpq reads DATABASE_URL, so that a URL copied from a provider means what
 * its documentation says. pg 8 alone reads `prefer`, `require` and `verify-ca` as verify-full and
 * cannot fall back to an unencrypted connection, while hosted servers (Heroku Postgres) demand
 * TLS with certificates no public authority signed: with libpq's default, `prefer`, such a URL
 * works as it is given.
 */

/** libpq's sslmode values, plus pg's `no-verify` (TLS, certificate not checked). */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** The URL parameters that configure TLS; pg is given the URL without them and our `ssl` instead. */
const TLS_PARAMETERS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

export interface SslSettings {
  mode: string;
  rootCert?: string;
  cert?: string;
  key?: string;
}

/** sslmode and certificate files from the URL; `PGSSLMODE` (`fallbackMode`) then `prefer` when the URL names none. */
export function sslSettings(databaseUrl: string, fallbackMode?: string): SslSettings {
  const params = new URL(databaseUrl).searchParams;
  const ssl = params.get('ssl');
  // pg's own `ssl=true` means TLS with a verified certificate.
  const fromSsl = ssl === null ? undefined : /^(true|1)$/i.test(ssl) ? 'verify-full' : /^(false|0)$/i.test(ssl) ? 'disable' : ssl;
  return {
    mode: params.get('sslmode') ?? fromSsl ?? fallbackMode ?? 'prefer',
    rootCert: params.get('sslrootcert') ?? undefined,
    cert: params.get('sslcert') ?? undefined,
    key: params.get('sslkey') ?? undefined,
  };
}

export function withoutTlsParameters(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  for (const name of TLS_PARAMETERS) url.searchParams.delete(name);
  return url.toString();
}

/** What to give pg as `ssl` for this URL; `prefer` and `allow` try the server once to choose. */
export async function tlsOption(databaseUrl: string, fallbackMode = process.env.PGSSLMODE): Promise<false | ConnectionOptions> {
  const settings = sslSettings(databaseUrl, fallbackMode || undefined);
  const read = (what: string, file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new StoreError(`DATABASE_URL's ${what} (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const ca = read('sslrootcert', settings.rootCert);
  const client = { cert: read('sslcert', settings.cert), key: read('sslkey', settings.key) };
  // Encrypted, certificate unchecked; with a root certificate, checked as verify-ca (as libpq does).
  const encrypted: ConnectionOptions = ca ? { ...client, ca, checkServerIdentity: () => undefined } : { ...client, rejectUnauthorized: false };
  switch (settings.mode as SslMode) {
    case 'disable':
      return false;
    case 'no-verify':
    case 'require':
      return encrypted;
    case 'verify-ca':
      return { ...client, ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return ca ? { ...client, ca } : client;
    case 'prefer':
      return (await refusal(databaseUrl, encrypted)) === 'no-tls' ? false : encrypted;
    case 'allow':
      return (await refusal(databaseUrl, false)) === 'tls-required' ? encrypted : false;
    default:
      throw new StoreError(`DATABASE_URL has an unknown sslmode: use one of ${SSL_MODES.join(', ')}`);
  }
}

/** Connects once with `ssl` and tells whether the server turned that down for its encryption. */
async function refusal(databaseUrl: string, ssl: false | ConnectionOptions): Promise<'no-tls' | 'tls-required' | undefined> {
  const probe = new pg.Client({ connectionString: withoutTlsParameters(databaseUrl), ssl, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    return undefined;
  } catch (error) {
    return tlsRefusal(error);
  } finally {
    await probe.end().catch(() => undefined);
  }
}

export function tlsRefusal(error: unknown): 'no-tls' | 'tls-required' | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/does not support SSL/i.test(message)) return 'no-tls';
  // pg_hba.conf has only hostssl lines for this client ("no encryption"; "SSL off" before PostgreSQL 14).
  if (/no pg_hba\.conf entry.*(no encryption|SSL off)/i.test(message)) return 'tls-required';
  return undefined;
}

/** A connection failure in one line, with what to change in DATABASE_URL when TLS is the cause. Never the URL itself. */
export function connectionFailure(error: unknown, databaseUrl: string): StoreError {
  const message = ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').replace(/^Error: /, '');
  const code = (error as { code?: string }).code ?? '';
  const url = new URL(databaseUrl);
  const where = `${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  const mode = sslSettings(databaseUrl, process.env.PGSSLMODE || undefined).mode;
  let hint = '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code) || /certificate/i.test(message)) {
    hint = ` (sslmode=${mode}): name the server's CA with sslrootcert=<file>, or use sslmode=no-verify for a provider whose certificates no public authority signs (Heroku Postgres)`;
  } else if (tlsRefusal(error) === 'no-tls') {
    hint = ` (sslmode=${mode}): this server has no TLS; use sslmode=prefer or disable`;
  } else if (tlsRefusal(error) === 'tls-required') {
    hint = ` (sslmode=${mode}): this server accepts only TLS connections; use sslmode=require, no-verify or verify-full`;
  }
  return new StoreError(`PostgreSQL at ${where} refused the connection: ${message}${hint}`);
}
