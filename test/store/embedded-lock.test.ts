import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isLoopbackAddress, isLoopbackHost } from '../../adapters/http';
import { addDays } from '../../src/ocean/dates';
import { Fleet, SEEDED_HISTORY_INDEXES } from '../../src/sandbox/fleet';
import { recentWorkday } from '../support/days';
import { type RunningService, runToExit, startService, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';
import { plainJson } from '../support/text';

/*
 * Issue 16: one process at a time opens an embedded store. `npm run daily` beside a running
 * service hands its day over to the service (POST /internal/daily on loopback) and opens the store
 * itself only when no service holds it; any other second opener is refused with a line naming
 * the folder.
 */

jest.setTimeout(120_000);

// The CLI runs on the real clock: days it still runs (test/support/days.ts).
const DAY = recentWorkday();
const OTHER_DAY = addDays(DAY, -1);

let dataDir: string;
let folder: string;
let service: RunningService | undefined;

beforeAll(async () => {
  dataDir = tempDir('store-lock');
  folder = path.join(dataDir, 'pglite');
  await copyTemplateInto(dataDir);
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function holder(): { pid: number; url?: string; token?: string } {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8')) as { pid: number; url?: string; token?: string };
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/internal/daily`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('one process at a time on an embedded store', () => {
  it('a second service on the same DATA_DIR is refused with a line naming the folder, and the first runs on', async () => {
    service = await startService({ DATA_DIR: dataDir });
    const second = await runToExit({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Store error: ${folder.replace(/[/.]/g, '\\$&')} is in use by process ${service.child.pid} \\(main\\.js, since .*\\): one process at a time opens the embedded store\\. Stop that one first, or give this one another DATA_DIR`,
        ),
      ),
    ]);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it('npm run daily beside a running service hands its day over: the service sends the prompts', async () => {
    service = await startService({ DATA_DIR: dataDir });
    const cli = await runToExit({ DATA_DIR: dataDir }, ['daily', '--date', DAY], 'cli');
    expect(cli.stderr).toContain(`The service (process ${service.child.pid}) holds ${folder}: it runs ${DAY}.`);
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as { day: string; drivers: number; sent: unknown[] };
    expect(report.day).toBe(DAY);
    expect(report.drivers).toBeGreaterThan(0);
    expect(report.sent.length).toBeGreaterThan(0);
    expect(service.output()).toContain('daily run handed over by npm run daily');
    // The sandbox's seeded answers come first, as from the web chat's button: suggestions show.
    const seeded = new Fleet().byIndex(SEEDED_HISTORY_INDEXES[0] as number).email as string;
    const messages = await (await fetch(`${service.url}/web/api/conversation?as=${encodeURIComponent(seeded)}`)).json();
    expect(plainJson(messages)).toContain('Suggestion : ');
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(Number(/privacy_prompts_sent_total\{platform="web"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBe(report.sent.length);
    // The same day again: already sent, nothing twice.
    const again = JSON.parse((await runToExit({ DATA_DIR: dataDir }, ['daily', '--date', DAY], 'cli')).stdout) as { sent: unknown[] };
    expect(again.sent).toEqual([]);
  });

  it('with no service holding the store, npm run daily opens it itself and leaves it free', async () => {
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    const cli = await runToExit({ DATA_DIR: dataDir }, ['daily', '--date', OTHER_DAY], 'cli');
    expect(cli.code).toBe(0);
    expect(cli.stderr).not.toContain('holds');
    expect((JSON.parse(cli.stdout) as { day: string }).day).toBe(OTHER_DAY);
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
  });

  it('the lock of a service killed with SIGKILL is taken over at the next start', async () => {
    const killed = await startService({ DATA_DIR: dataDir });
    await killed.stop('SIGKILL');
    expect(holder().pid).toBe(killed.child.pid);
    service = await startService({ DATA_DIR: dataDir });
    expect(holder().pid).toBe(service.child.pid);
  });

  it("the hand-off route takes loopback callers that show the lock's token, with a loopback Host", async () => {
    service = await startService({ DATA_DIR: dataDir });
    const { url, token } = holder();
    expect(url).toBe(service.url);
    const body = JSON.stringify({ day: DAY });
    expect((await post(service.url, {}, body)).status).toBe(401);
    expect((await post(service.url, { authorization: 'Bearer wrong' }, body)).status).toBe(401);
    expect((await post(service.url, { authorization: `Bearer ${token}`, host: 'evil.example' }, body)).status).toBe(403);
    expect((await post(service.url, { authorization: `Bearer ${token}` }, JSON.stringify({ day: '24/11/2026' }))).status).toBe(400);
    const ok = await post(service.url, { authorization: `Bearer ${token}`, host: `localhost:${new URL(service.url).port}` }, body);
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as { day: string }).day).toBe(DAY);
  });

  it('loopback means 127.0.0.0/8 and ::1, by address and by Host', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '192.168.1.2', undefined].some(isLoopbackAddress)).toBe(false);
    expect(['127.0.0.1:3978', 'localhost', 'LOCALHOST:80', '[::1]:3978'].every(isLoopbackHost)).toBe(true);
    expect(['evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:3978', undefined].some(isLoopbackHost)).toBe(false);
  });
});
