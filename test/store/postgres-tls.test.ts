import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { Store } from '../../src/store';
import { StoreError } from '../../src/store/errors';
import { freshSchema } from '../support/pg-schema';
import { tempDir } from '../support/service-child';
import { describeServerOnly, postgresUnavailableReason, TEST_DATABASE_URL } from '../support/stores';

/*
 * Issue 18: hosted PostgreSQL (Heroku Postgres among others) takes TLS connections only, with
 * certificates no public authority signed. sslmode in DATABASE_URL is read as libpq reads it, so
 * a provider's URL works as given. The server in front of the test database here is a TLS
 * terminator speaking PostgreSQL's SSLRequest, with a certificate made for the test (openssl).
 */

jest.setTimeout(60_000);

const SSL_REQUEST = 80877103;

interface Terminator {
  port: number;
  /** Sessions that went through TLS / in the clear. */
  tls: number;
  plain: number;
  close(): Promise<void>;
}

/** A PostgreSQL front that answers SSLRequest with 'S' (or 'N') and relays to the test server. */
async function terminator(options: { key: string; cert: string; offerTls: boolean; requireTls: boolean }): Promise<Terminator> {
  const upstream = new URL(TEST_DATABASE_URL);
  const counts = { tls: 0, plain: 0 };
  const sockets = new Set<net.Socket>();
  const relay = (client: net.Socket, first: Buffer) => {
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    server.write(first);
    client.pipe(server).pipe(client);
    const end = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  };
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('readable', function onFirst() {
      const head = socket.read(8) as Buffer | null;
      if (!head) return void socket.once('readable', onFirst);
      if (head.readInt32BE(0) === 8 && head.readInt32BE(4) === SSL_REQUEST) {
        if (!options.offerTls) {
          socket.write('N');
          return void socket.once('readable', onFirst);
        }
        socket.write('S');
        const secure = new tls.TLSSocket(socket, { isServer: true, key: options.key, cert: options.cert });
        secure.once('readable', function onStartup() {
          const startup = secure.read() as Buffer | null;
          if (!startup) return void secure.once('readable', onStartup);
          counts.tls += 1;
          relay(secure as unknown as net.Socket, startup);
        });
        secure.on('error', () => socket.destroy());
        return;
      }
      if (options.requireTls) {
        // What a server with hostssl lines only says to a startup in the clear.
        const fields = Buffer.from('SFATAL\0C28000\0Mno pg_hba.conf entry for host "127.0.0.1", user "postgres", database "test", no encryption\0\0');
        const error = Buffer.alloc(5);
        error.write('E');
        error.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([error, fields]));
        return;
      }
      counts.plain += 1;
      relay(socket, head);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    port: (front.address() as net.AddressInfo).port,
    get tls() {
      return counts.tls;
    },
    get plain() {
      return counts.plain;
    },
    close: () =>
      new Promise((resolve) => {
        front.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function openssl(): string | null {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'openssl is not installed';
  }
}

const skipReason = postgresUnavailableReason() ?? openssl();
if (skipReason && !postgresUnavailableReason()) console.warn(`TLS tests skipped: ${skipReason}`);
const describeTls = skipReason ? describe.skip : describeServerOnly();

describeTls('PostgreSQL over TLS, as DATABASE_URL says', () => {
  let dir: string;
  let key: string;
  let cert: string;
  let tlsOnly: Terminator;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let noTls: Terminator;

  beforeAll(async () => {
    dir = tempDir('pg-tls');
    // A self-signed certificate for "localhost" only: 127.0.0.1 does not match its name.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'ca.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
    cert = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    tlsOnly = await terminator({ key, cert, offerTls: true, requireTls: true });
    noTls = await terminator({ key, cert, offerTls: false, requireTls: false });
    // A schema of its own: the public schema of a shared server may hold another branch's migrations.
    schema = await freshSchema();
  });

  afterAll(async () => {
    await tlsOnly.close();
    await noTls.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const at = (server: Terminator, host: string, query: string) => {
    const url = new URL(schema.url);
    url.hostname = host;
    url.port = String(server.port);
    for (const [name, value] of new URLSearchParams(query)) url.searchParams.set(name, value);
    return url.toString();
  };

  async function opens(databaseUrl: string): Promise<void> {
    const store = await Store.open({ databaseUrl, poolSize: 1 });
    expect(await store.ping()).toBe(true);
    await store.close();
  }

  async function refusal(databaseUrl: string): Promise<string> {
    const error = await Store.open({ databaseUrl, poolSize: 1 }).then(
      async (store) => {
        await store.close();
        throw new Error('expected the store to refuse');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain(new URL(TEST_DATABASE_URL).password || '\u0000');
    return message;
  }

  it.each([
    ["no sslmode (libpq's prefer)", ''],
    ['sslmode=prefer', 'sslmode=prefer'],
    ['sslmode=require', 'sslmode=require'],
    ['sslmode=no-verify (Heroku)', 'sslmode=no-verify'],
    ['sslmode=allow', 'sslmode=allow'],
  ])('a TLS-only server with its own certificate is reached with %s', async (_case, query) => {
    const before = tlsOnly.tls;
    await opens(at(tlsOnly, '127.0.0.1', query));
    expect(tlsOnly.tls).toBeGreaterThan(before);
  });

  it("sslmode=verify-full with the server's CA in sslrootcert checks the certificate and the host name", async () => {
    await opens(at(tlsOnly, 'localhost', `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(dir, 'ca.pem'))}`));
    expect(await refusal(at(tlsOnly, '127.0.0.1', `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(dir, 'ca.pem'))}`))).toMatch(
      /refused the connection: .*(altnames|Hostname)/i,
    );
  });

  it('sslmode=verify-ca checks the certificate but not the host name', async () => {
    await opens(at(tlsOnly, '127.0.0.1', `sslmode=verify-ca&sslrootcert=${encodeURIComponent(path.join(dir, 'ca.pem'))}`));
  });

  it('sslmode=verify-full without the CA is refused with what to change', async () => {
    expect(await refusal(at(tlsOnly, 'localhost', 'sslmode=verify-full'))).toMatch(
      /^PostgreSQL at localhost:\d+\/test refused the connection: self[- ]signed certificate.* \(sslmode=verify-full\): name the server's CA with sslrootcert=<file>, or use sslmode=no-verify/,
    );
  });

  it('sslmode=disable against a TLS-only server says to ask for TLS', async () => {
    expect(await refusal(at(tlsOnly, '127.0.0.1', 'sslmode=disable'))).toMatch(
      /no encryption \(sslmode=disable\): this server accepts only TLS connections; use sslmode=require, no-verify or verify-full$/,
    );
  });

  it('PGSSLMODE is read when the URL names no sslmode', async () => {
    const previous = process.env.PGSSLMODE;
    process.env.PGSSLMODE = 'disable';
    try {
      expect(await refusal(at(tlsOnly, '127.0.0.1', ''))).toMatch(/\(sslmode=disable\)/);
      await opens(at(tlsOnly, '127.0.0.1', 'sslmode=no-verify'));
    } finally {
      if (previous === undefined) delete process.env.PGSSLMODE;
      else process.env.PGSSLMODE = previous;
    }
  });

  it.each([
    ['no sslmode', ''],
    ['sslmode=prefer', 'sslmode=prefer'],
    ['sslmode=allow', 'sslmode=allow'],
    ['sslmode=disable', 'sslmode=disable'],
  ])('a server without TLS is reached in the clear with %s', async (_case, query) => {
    const before = noTls.plain;
    await opens(at(noTls, '127.0.0.1', query));
    expect(noTls.plain).toBeGreaterThan(before);
  });

  it('sslmode=require against a server without TLS is refused with what to change', async () => {
    expect(await refusal(at(noTls, '127.0.0.1', 'sslmode=require'))).toMatch(
      /does not support SSL connections \(sslmode=require\): this server has no TLS; use sslmode=prefer or disable$/,
    );
  });

  it('an unreadable sslrootcert is named', async () => {
    expect(await refusal(at(tlsOnly, 'localhost', 'sslmode=verify-full&sslrootcert=/nonexistent/ca.pem'))).toBe(
      "DATABASE_URL's sslrootcert (/nonexistent/ca.pem) cannot be read: ENOENT",
    );
  });
});
