import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { Fleet } from '../src/sandbox/fleet';
import { line, runBench, startSimProcess, startSlackProcess } from './support';

/**
 * Slash-command acknowledgement under load: signed /privacy-report requests at 50 connections,
 * against the service and, in the same run, against a bare Bolt app that only calls ack() (the
 * floor). Each request is signed afresh (the service refuses replays). Closed loop: each
 * connection sends its next request when the last is acknowledged. The two alternate in rounds
 * (the machine's noise hits both) and the medians compare. Target: p99 ≤ 1.2 × floor. Also
 * counted: how many acknowledged requests the bot's work answered, how many it acked "busy",
 * and that none was lost.
 */
const SECRET = 'bench-signing-secret';
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function signedBody(counter: number, responseUrl: string): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    team_id: 'T_FLEET',
    channel_id: 'D_U_9',
    user_id: 'U_9',
    command: '/privacy-report',
    text: 'last-month',
    response_url: responseUrl,
    trigger_id: `t.${counter}`,
    api_app_id: 'A_BENCH',
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } };
}

async function load(url: string, responseUrl: string, connectionRate?: number): Promise<autocannon.Result> {
  let counter = 0;
  return autocannon({
    url: `${url}/slack/events`,
    connections: 50,
    ...(connectionRate ? { connectionRate } : {}),
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const signed = signedBody((counter += 1), responseUrl);
          return { ...request, body: signed.body, headers: signed.headers };
        },
      },
    ],
  });
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a server in a child process (as deployed) and waits for it to answer. */
async function child(script: string, env: Record<string, string>): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  // BENCH_PROFILE=dir writes a V8 CPU profile of each server there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...profile, script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    const up = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => proc.kill('SIGTERM') };
}

function report(name: string, r: autocannon.Result): void {
  line(`${name}: requests/s (mean)`, r.requests.average.toFixed(0));
  line(`${name}: ack latency p50 / p99`, `${r.latency.p50} ms / ${r.latency.p99} ms`);
  line(`${name}: non-2xx / errors / timeouts`, `${r.non2xx} / ${r.errors} / ${r.timeouts}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function shedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^chat_requests_shed_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const sim = await startSimProcess({});
  const fleet = new Fleet();
  const slack = await startSlackProcess([{ id: 'U_9', team: 'T_FLEET', email: fleet.byIndex(9).email!, locale: 'fr-FR', name: 'Driver' }]);
  // The bot as deployed with several instances in mind: its own process, PostgreSQL when it answers.
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_ack_${process.pid}`;
  let databaseUrl: string | undefined;
  try {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(serverUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  } catch {
    databaseUrl = undefined;
  }
  const bot = await child(path.resolve(__dirname, '../src/main.js'), {
    OCEAN_BASE_URL: sim.baseUrl,
    OCEAN_LOGIN: sim.login,
    OCEAN_PASSWORD: sim.password,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    TEAMS_EMULATOR: 'false',
    LOG_LEVEL: 'silent',
    REMINDER_CRON: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: `/tmp/bench-ack-${process.pid}` }),
  });
  const bare = await child(path.resolve(__dirname, 'bare-bolt.js'), { SLACK_SIGNING_SECRET: SECRET });
  line('bot process', databaseUrl ? 'node dist/src/main.js, PostgreSQL server' : 'node dist/src/main.js, PGlite');
  line('load', `${ROUNDS} rounds of ${DURATION} s each, bare Bolt then the bot, 50 connections, closed loop`);
  line('request', "a driver's /privacy-report: acked, then refused (users.info, store, response_url)");

  /** Waits until the bot's queued work for `id` is done: its answers stop growing. */
  const settle = async (id: string): Promise<{ answered: number; ms: number }> => {
    const started = Date.now();
    let last = -1;
    for (;;) {
      const answered = (await slack.answered())[id] ?? 0;
      if (answered === last) return { answered, ms: Date.now() - started - 1000 };
      last = answered;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  // Warm both, then alternate: the machine's noise hits both alike, and the medians compare.
  await load(bare.url, slack.responseUrl('warm'));
  await load(bot.url, slack.responseUrl('warm'));
  await settle('warm');
  const floors: autocannon.Result[] = [];
  const ours: autocannon.Result[] = [];
  let acked = 0;
  let answered = 0;
  let shed = 0;
  let drainMs = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const floor = await load(bare.url, slack.responseUrl(`bare-${round}`));
    const shedBefore = await shedCount(bot.url);
    const result = await load(bot.url, slack.responseUrl(`ours-${round}`));
    const done = await settle(`ours-${round}`);
    const shedNow = (await shedCount(bot.url)) - shedBefore;
    floors.push(floor);
    ours.push(result);
    acked += result.requests.sent;
    answered += done.answered;
    shed += shedNow;
    drainMs = Math.max(drainMs, done.ms);
    line(`round ${round}: bare Bolt / bot requests/s`, `${floor.requests.average.toFixed(0)} / ${result.requests.average.toFixed(0)}`);
    line(`round ${round}: bare Bolt / bot ack p50`, `${floor.latency.p50} ms / ${result.latency.p50} ms`);
    line(`round ${round}: bare Bolt / bot ack p99`, `${floor.latency.p99} ms / ${result.latency.p99} ms`);
    line(`round ${round}: bot errors (non-2xx / errors / timeouts)`, `${result.non2xx} / ${result.errors} / ${result.timeouts}`);
  }
  const floorP99 = median(floors.map((r) => r.latency.p99));
  const oursP99 = median(ours.map((r) => r.latency.p99));
  line('bare Bolt: median requests/s, p50, p99', `${median(floors.map((r) => r.requests.average)).toFixed(0)}, ${median(floors.map((r) => r.latency.p50))} ms, ${floorP99} ms`);
  line('privacy bot: median requests/s, p50, p99', `${median(ours.map((r) => r.requests.average)).toFixed(0)}, ${median(ours.map((r) => r.latency.p50))} ms, ${oursP99} ms`);
  const ratio = oursP99 / Math.max(1, floorP99);
  line('p99 ratio at saturation (bot / bare Bolt)', `${ratio.toFixed(2)}×`, '≤ 1.2×', ratio <= 1.2);
  line('bot: acked, then answered by its work', `${answered} of ${acked} (${((100 * answered) / Math.max(1, acked)).toFixed(1)}%)`);
  line('bot: acked "busy" (work queue full)', `${shed} (${((100 * shed) / Math.max(1, acked)).toFixed(1)}%)`);
  // Requests sent includes those still open when a round's time ran out: they are answered too.
  line('bot: requests neither answered nor acked "busy"', String(acked - answered - shed), '0', acked - answered - shed === 0);
  line('bot: queue drained after each round within', `${(drainMs / 1000).toFixed(1)} s`);
  // autocannon's rate limit sends each second's quota at once: a burst of 300 on 50 connections.
  const paced = 6;
  const floorPaced = await load(bare.url, slack.responseUrl('bare-paced'), paced);
  const shedBeforePaced = await shedCount(bot.url);
  const oursPaced = await load(bot.url, slack.responseUrl('ours-paced'), paced);
  const pacedDone = await settle('ours-paced');
  const pacedShed = (await shedCount(bot.url)) - shedBeforePaced;
  report(`bare Bolt, bursts of ${paced * 50}/s`, floorPaced);
  report(`privacy bot, bursts of ${paced * 50}/s`, oursPaced);
  // autocannon's `sent` counts requests its rate limiter held back too: compare with the
  // acknowledgements received (requests still open when the load stopped are answered as well).
  line(`privacy bot, bursts of ${paced * 50}/s: acked / answered by their work / acked "busy"`, `${oursPaced['2xx']} / ${pacedDone.answered} / ${pacedShed}`);
  line(`privacy bot, bursts of ${paced * 50}/s: acked but not answered`, String(Math.max(0, oursPaced['2xx'] - pacedDone.answered - pacedShed)), '0', oursPaced['2xx'] <= pacedDone.answered + pacedShed);
  const pacedRatio = oursPaced.latency.p99 / Math.max(1, floorPaced.latency.p99);
  line(`p99 ratio, bursts of ${paced * 50}/s (bot / bare)`, `${pacedRatio.toFixed(2)}×`, '≤ 1.2×', pacedRatio <= 1.2);
  bare.stop();
  bot.stop();
  await new Promise((r) => setTimeout(r, 500));
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  slack.stop();
  sim.stop();
}

runBench(main);
