import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import pg from 'pg';
import { Agent, request } from 'undici';
import { Fleet } from '../src/sandbox/fleet';
import { line, percentile, runBench, startSimProcess, startSlackProcess } from './support';

/**
 * The morning burst: a fleet opens its prompts within minutes. 1,000 distinct drivers each send
 * a correctly signed `/privacy` at 100 a second, open loop (each at its time, whatever the
 * answers), first to a bare Bolt app of the same version that only acknowledges, then to the
 * bot as deployed (its own process; PostgreSQL when a server answers, PGlite otherwise), with
 * 200 clicks on yesterday's prompts interleaved. Targets: every command answered with its real
 * content through response_url (none refused, no non-2xx), the bot's ack p99 at most 100 ms
 * above the bare app's, the click path (click → answer stored and acknowledged → Ocean →
 * message updated) p95 under 1 s, and at most 3 ms of the bot's CPU a `/privacy` (read from
 * /proc: the event loop and V8's helper threads, printed apart).
 */
const SECRET = 'bench-signing-secret';
const DRIVERS = 1000;
/** `BENCH_RATE` measures another rate (the embedded store's limit, for one). */
const RATE = Number(process.env.BENCH_RATE ?? 100);
/** `BENCH_CLICKS=0` measures the commands alone (their CPU a request without the clicks' delivery). */
const CLICKS = Number(process.env.BENCH_CLICKS ?? 200);
const ZONE = 'Europe/Paris';

interface Shot {
  status: number;
  ms: number;
}

function signed(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

function command(user: string, responseUrl: string, i: number): string {
  return new URLSearchParams({
    team_id: 'T_FLEET',
    channel_id: `D_${user}`,
    user_id: user,
    command: '/privacy',
    text: '',
    response_url: responseUrl,
    trigger_id: `burst.${i}.${Date.now()}`,
    api_app_id: 'A_BENCH',
  }).toString();
}

function click(user: string, channel: string, ts: string, value: string, responseUrl: string, i: number): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, team_id: 'T_FLEET' },
    team: { id: 'T_FLEET' },
    api_app_id: 'A_BENCH',
    trigger_id: `click.${i}.${Date.now()}`,
    response_url: responseUrl,
    container: { type: 'message', channel_id: channel, message_ts: ts, is_ephemeral: false },
    actions: [{ type: 'button', action_id: 'trip_answer:0', block_id: 'b', value, action_ts: `${Date.now() / 1000}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

async function post(url: string, body: string): Promise<Shot> {
  const started = performance.now();
  const res = await request(`${url}/slack/events`, { method: 'POST', headers: signed(body), body, dispatcher: agent });
  await res.body.dump();
  return { status: res.statusCode, ms: performance.now() - started };
}

/** Fires `count` requests at `rate` a second, each at its own time (open loop); resolves with every answer. */
async function openLoop(count: number, rate: number, fire: (i: number) => Promise<Shot>): Promise<Shot[]> {
  const started = performance.now();
  const shots: Promise<Shot>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / rate - performance.now();
    if (due > 1) await new Promise((r) => setTimeout(r, due));
    shots.push(fire(i).catch(() => ({ status: 0, ms: Number.NaN })));
  }
  return Promise.all(shots);
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
/** The bot's Prometheus figures: the event loop's delay since the last read, and the time spent in garbage collection so far. */
async function metrics(url: string): Promise<Record<string, number>> {
  const res = await request(`${url}/metrics`, { dispatcher: agent });
  const text = await res.body.text();
  const figures: Record<string, number> = {};
  let gc = 0;
  let gcCount = 0;
  for (const row of text.split('\n')) {
    const [name, value] = row.split(' ');
    if (!name || value === undefined || name.startsWith('#')) continue;
    if (name.startsWith('nodejs_eventloop_lag_')) figures[name] = Number(value);
    if (name.startsWith('nodejs_gc_duration_seconds_sum')) gc += Number(value);
    if (name.startsWith('nodejs_gc_duration_seconds_count')) gcCount += Number(value);
  }
  figures.gc = gc - gcSoFar.seconds;
  figures.gcCount = gcCount - gcSoFar.count;
  gcSoFar.seconds = gc;
  gcSoFar.count = gcCount;
  return figures;
}
const gcSoFar = { seconds: 0, count: 0 };

/** CPU seconds of a process's main thread (JavaScript, the event loop) so far; the rest is V8's and libuv's helper threads (GC, the optimising compiler). */
function mainThreadCpuSeconds(pid: number | undefined): number | undefined {
  return cpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);
}

/** CPU seconds so far of each of a process's threads, summed by thread name (V8's workers, libuv's pool, the main thread). */
function threadsCpu(pid: number | undefined): Map<string, number> {
  const byName = new Map<string, number>();
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const name = `${fs.readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim()}#${Number(task) - Number(pid)}`;
      byName.set(name, (byName.get(name) ?? 0) + (cpuSeconds(pid, `/proc/${pid}/task/${task}/stat`) ?? 0));
    }
  } catch {
    // no /proc here
  }
  return byName;
}

function cpuSeconds(pid: number | undefined, file = `/proc/${pid}/stat`): number | undefined {
  try {
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function child(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; cpu(): number | undefined; threads(): Map<string, number>; mainCpu(): number | undefined; stop(): void }> {
  const port = await freePort();
  // BENCH_PROFILE=dir writes a V8 CPU profile of each server there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // BENCH_NODE_FLAGS="--max-semi-space-size=32 ..." tries V8 or Node flags on the bot only (the bare Bolt app keeps the defaults).
  const flags = script.includes('main.js') ? (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
  const proc = spawn(process.execPath, [...profile, ...flags, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i += 1) {
    if (
      await fetch(`${url}/healthz`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    cpu: () => cpuSeconds(proc.pid),
    threads: () => threadsCpu(proc.pid),
    mainCpu: () => mainThreadCpuSeconds(proc.pid),
    stop: () => proc.kill('SIGTERM'),
  };
}

function summary(shots: Shot[]): { p50: number; p99: number; non2xx: number } {
  const ms = shots
    .filter((s) => s.status >= 200 && s.status < 300)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), non2xx: shots.filter((s) => s.status < 200 || s.status >= 300).length };
}

async function main(): Promise<void> {
  const fleet = new Fleet({ size: DRIVERS + 10 });
  const drivers = fleet.drivers.filter((d) => d.email && d.vehicleId).slice(0, DRIVERS);
  const sim = await startSimProcess({ size: DRIVERS + 10, zone: ZONE, faults: { latencyMs: 20 } });
  const slack = await startSlackProcess(
    fleet.drivers
      .filter((d) => d.email)
      .map((d) => ({ id: `U_${d.index}`, team: 'T_FLEET', email: d.email, name: `${d.firstName} ${d.lastName}`, locale: 'fr-FR' })),
  );
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_burst_${process.pid}`;
  let storeEnv: Record<string, string>;
  try {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(serverUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    storeEnv = { DATABASE_URL: url.toString() };
  } catch {
    storeEnv = { DATA_DIR: `/tmp/bench-burst-${process.pid}` };
  }
  const env = {
    OCEAN_BASE_URL: sim.baseUrl,
    OCEAN_LOGIN: sim.login,
    OCEAN_PASSWORD: sim.password,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    TEAMS_EMULATOR: 'false',
    LOG_LEVEL: 'silent',
    REMINDER_CRON: 'off',
    WEEKLY_REPORT_CRON: 'off',
    TIMEZONE: ZONE,
    ...storeEnv,
  };
  line('drivers, rate', `${drivers.length} distinct drivers, ${RATE} /privacy a second, open loop`);
  line(
    'bot process',
    `node dist/src/main.js, ${storeEnv.DATABASE_URL ? 'PostgreSQL server' : 'PGlite'}; Ocean simulator 20 ms; fake Slack; both in processes of their own`,
  );
  // Yesterday's prompts, as the morning's cron would have sent them.
  const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!;
  const daily = spawnSync(process.execPath, [path.resolve(__dirname, '../src/cli.js'), 'daily', '--date', yesterday], {
    env: { ...process.env, ...env, PORT: '0' },
    encoding: 'utf8',
  });
  if (daily.status !== 0) throw new Error(`the daily run failed: ${daily.stderr}`);
  const prompts = (await slack.record()).prompts.filter((p) => p.values.length);
  line('prompts sent before the burst', String(prompts.length));

  const bare = await child(path.resolve(__dirname, 'bare-bolt.js'), { SLACK_SIGNING_SECRET: SECRET });
  const bareCpuBefore = bare.cpu();
  const bareMainBefore = bare.mainCpu();
  const bareShots = await openLoop(drivers.length, RATE, (i) => post(bare.url, command(`U_${drivers[i]!.index}`, slack.responseUrl(`bare-${i}`), i)));
  const bareCpuAfter = bare.cpu();
  const bareMainAfter = bare.mainCpu();
  bare.stop();

  const bot = await child(path.resolve(__dirname, '../src/main.js'), env);
  const clickSent = new Map<string, number>();
  const clickShots: Promise<Shot>[] = [];
  const chosen = prompts.slice(0, CLICKS);
  // Read once so the event loop's delay histogram starts with the burst (prom-client resets it at each read).
  await metrics(bot.url);
  const started = Date.now();
  const cpuBefore = bot.cpu();
  const mainCpuBefore = bot.mainCpu();
  const threadsBefore = bot.threads();
  // The CPU of the first seconds (a process just started: V8 has not optimised its code yet) apart from the rest.
  const SETTLED_AFTER = Math.round(drivers.length / 5);
  let cpuSettled: number | undefined;
  const botShots = await openLoop(drivers.length, RATE, (i) => {
    if (i === SETTLED_AFTER) {
      cpuSettled = bot.cpu();
    }
    // Every fifth command, a driver also clicks "private" on the first trip of their prompt.
    const prompt = CLICKS > 0 && i % (drivers.length / CLICKS) === 0 ? chosen[i / (drivers.length / CLICKS)] : undefined;
    if (prompt) {
      const value = prompt.values.find((v) => v.endsWith(':0:private'))!;
      clickSent.set(`${prompt.channel}:${prompt.ts}`, Date.now());
      clickShots.push(post(bot.url, click(prompt.channel.replace(/^D_/, ''), prompt.channel, prompt.ts, value, slack.responseUrl(`click-${i}`), i)));
    }
    return post(bot.url, command(`U_${drivers[i]!.index}`, slack.responseUrl(`bot-${i}`), i));
  });
  const clicks = await Promise.all(clickShots);
  // Every command answered (its content, not an error), every click's message updated.
  let record = await slack.record();
  for (let waited = 0; waited < 120; waited += 1) {
    const answered = botShots.filter((_, i) => record.answered[`bot-${i}`]).length;
    const updated = [...clickSent.keys()].filter((key) => record.recorded[key]).length;
    if (answered === botShots.length && updated === clickSent.size) break;
    await new Promise((r) => setTimeout(r, 500));
    record = await slack.record();
  }
  const doneAt = Date.now();
  const cpuAfter = bot.cpu();
  const mainCpuAfter = bot.mainCpu();
  const threadsAfter = bot.threads();
  const after = await metrics(bot.url);
  const answers = botShots.map((_, i) => record.answered[`bot-${i}`]);
  const answered = answers.filter(Boolean).length;
  const failed = answers.filter((a) => a && /Une erreur|trop de demandes|Ocean ne répond pas|unexpected/i.test(a.first)).length;
  const withContent = answers.filter((a) => a && /Bonjour|Hello/.test(a.first)).length;
  const clickToUpdate = [...clickSent.entries()]
    .map(([key, at]) => (record.recorded[key] ?? Number.NaN) - at)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const b = summary(bareShots);
  const o = summary(botShots);
  // BENCH_DEBUG lists the slowest acknowledgements by their place in the burst (the first ones are a cold process's).
  if (process.env.BENCH_DEBUG)
    console.log(
      botShots
        .map((s, i) => [i, Math.round(s.ms)])
        .sort((a, b) => b[1]! - a[1]!)
        .slice(0, 25)
        .map(([i, ms]) => `#${i}:${ms}`)
        .join(' '),
    );
  const c = summary(clicks);
  line('bare Bolt: ack p50 / p99, non-2xx', `${b.p50.toFixed(1)} ms / ${b.p99.toFixed(1)} ms, ${b.non2xx}`);
  if (bareCpuBefore !== undefined && bareCpuAfter !== undefined)
    line(
      'bare Bolt CPU a request (verify, parse, ack)',
      `${(((bareCpuAfter - bareCpuBefore) * 1000) / bareShots.length).toFixed(2)} ms${bareMainBefore !== undefined && bareMainAfter !== undefined ? ` (${(((bareMainAfter - bareMainBefore) * 1000) / bareShots.length).toFixed(2)} ms on the event loop)` : ''}`,
    );
  line('privacy bot: ack p50 / p99, non-2xx', `${o.p50.toFixed(1)} ms / ${o.p99.toFixed(1)} ms, ${o.non2xx}`, '0 non-2xx', o.non2xx === 0);
  line('bot ack p99 − bare ack p99', `${(o.p99 - b.p99).toFixed(1)} ms`, '≤ 100 ms', o.p99 - b.p99 <= 100);
  line(
    'commands answered through response_url',
    `${answered} of ${botShots.length} (${withContent} with the driver's overview, ${failed} errors or refusals)`,
    'all, 0 refused',
    answered === botShots.length && failed === 0,
  );
  line('all answered within', `${((doneAt - started) / 1000).toFixed(1)} s of the first command`);
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    const cpu = cpuAfter - cpuBefore;
    line(
      'bot CPU for the burst',
      `${cpu.toFixed(1)} s (${((cpu * 1000) / (botShots.length + clicks.length)).toFixed(1)} ms a request; ${((cpu / ((doneAt - started) / 1000)) * 100).toFixed(0)}% of one core while it lasted; machine load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
    );
    if (cpuSettled !== undefined) {
      const first = cpuSettled - cpuBefore;
      const rest = cpuAfter - cpuSettled;
      const clicksFirst = Math.ceil(SETTLED_AFTER / (drivers.length / Math.max(1, CLICKS)));
      line(
        'bot CPU, first 2 s and after',
        `${((first * 1000) / (SETTLED_AFTER + (CLICKS ? clicksFirst : 0))).toFixed(1)} ms a request for the first ${SETTLED_AFTER} commands, ${((rest * 1000) / (botShots.length - SETTLED_AFTER + (CLICKS ? clicks.length - clicksFirst : 0))).toFixed(1)} ms after`,
      );
    }
    if (mainCpuBefore !== undefined && mainCpuAfter !== undefined) {
      const main = mainCpuAfter - mainCpuBefore;
      line(
        'of which the main thread, helpers',
        `${((main * 1000) / (botShots.length + clicks.length)).toFixed(2)} ms a request on the event loop; ${(((cpu - main) * 1000) / (botShots.length + clicks.length)).toFixed(2)} ms in V8's and libuv's helper threads (GC, optimising compiler)`,
      );
      line(
        'CPU by thread (name: ms a request)',
        [...threadsAfter]
          .map(([name, s]) => [name, ((s - (threadsBefore.get(name) ?? 0)) * 1000) / (botShots.length + clicks.length)] as const)
          .filter(([, ms]) => ms >= 0.01)
          .sort((a, b) => b[1] - a[1])
          .map(([name, ms]) => `${name}: ${ms.toFixed(2)}`)
          .join('; '),
      );
    }
  }
  line('clicks: ack (answer stored) p50 / p99', `${c.p50.toFixed(1)} ms / ${c.p99.toFixed(1)} ms, non-2xx ${c.non2xx}`);
  line(
    'clicks: click → Ocean → message updated, p50 / p95',
    `${percentile(clickToUpdate, 50).toFixed(0)} ms / ${percentile(clickToUpdate, 95).toFixed(0)} ms (${clickToUpdate.length} of ${clickSent.size})`,
    'p95 ≤ 1 s under the burst',
    percentile(clickToUpdate, 95) <= 1000,
  );
  const ms = (name: string) => `${((after[name] ?? Number.NaN) * 1000).toFixed(0)} ms`;
  line(
    'bot event loop delay p50 / p99 / max',
    `${ms('nodejs_eventloop_lag_p50_seconds')} / ${ms('nodejs_eventloop_lag_p99_seconds')} / ${ms('nodejs_eventloop_lag_max_seconds')}`,
  );
  line('bot time in GC during the burst', `${ms('gc')} (${after.gcCount ?? 0} collections)`);
  bot.stop();
  await new Promise((r) => setTimeout(r, 1000));
  if (storeEnv.DATABASE_URL) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  slack.stop();
  sim.stop();
  await agent.close();
}

runBench(main);
