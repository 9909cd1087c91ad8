import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fleet } from '../src/sandbox/fleet';
import { benchSchema, type ServiceProcess, sleep, startServiceProcess } from './service-process';
import { line, runBench, startSimProcess, startSlackProcess } from './support';

/**
 * Resident memory of the real service process, on PGlite and on PostgreSQL: the first start
 * (an empty store: PGlite creates its files, PostgreSQL runs the migrations), at rest, a restart
 * on the existing store, and a daily run of 1,000 drivers fired by the service's own cron
 * against the simulator and a fake Slack, each in a process of its own. Targets (a 512 MB dyno):
 * PostgreSQL peak < 400 MB and rest < 200 MB; PGlite rest < 400 MB.
 * `BENCH_NODE_FLAGS="--liftoff --no-wasm-tier-up"` passes V8 flags to the service;
 * `BENCH_STORES=PostgreSQL` measures one store only.
 */
const DRIVERS = 1000;
/** "At rest": a minute without work, time for V8 to collect what a burst left behind. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 60_000);

async function main(): Promise<void> {
  const sim = await startSimProcess({ size: DRIVERS, faults: { latencyMs: 5 }, recordLimit: 0 });
  const fleet = new Fleet({ size: DRIVERS });
  const users = fleet.drivers.filter((d) => d.email).map((d) => ({ id: `U_${d.index}`, team: 'T_FLEET', email: d.email as string, name: d.firstName }));
  const slack = await startSlackProcess(users);
  const base: NodeJS.ProcessEnv = {
    OCEAN_BASE_URL: sim.baseUrl,
    OCEAN_LOGIN: sim.login,
    OCEAN_PASSWORD: sim.password,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slack.apiUrl,
    TEAMS_EMULATOR: 'false',
    REMINDER_CRON: 'off',
    // Not before the benchmark asks for it.
    DAILY_PROMPT_CRON: '0 0 1 1 *',
  };
  if (process.env.BENCH_NODE_FLAGS) line('node flags', process.env.BENCH_NODE_FLAGS);
  try {
    const stores = (process.env.BENCH_STORES ?? 'PGlite,PostgreSQL').split(',');
    if (stores.includes('PGlite')) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
      try {
        await measure('PGlite', { ...base, DATA_DIR: dataDir }, 400);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const schema = stores.includes('PostgreSQL') ? await benchSchema('bench_memory') : undefined;
    if (!stores.includes('PostgreSQL')) return;
    if (!schema) line('PostgreSQL', 'skipped: no server answers (BENCH_DATABASE_URL)');
    else {
      try {
        await measure('PostgreSQL', { ...base, DATABASE_URL: schema.url }, 200, 400);
      } finally {
        await schema.drop();
      }
    }
  } finally {
    sim.stop();
    slack.stop();
  }
}

async function measure(store: string, env: NodeJS.ProcessEnv, restTarget: number, peakTarget?: number): Promise<void> {
  console.log(`\n--- ${store} ---`);
  // First start on an empty store.
  let service = await startServiceProcess(env);
  line(`${store} first start: ready after`, `${(service.readyMs / 1000).toFixed(1)} s`);
  line(
    `${store} first start: peak RSS`,
    `${service.peakMb().toFixed(0)} MB`,
    peakTarget ? `< ${peakTarget} MB` : undefined,
    peakTarget ? service.peakMb() < peakTarget : undefined,
  );
  await sleep(SETTLE_MS);
  line(`${store} at rest after the first start`, `${service.rssMb().toFixed(0)} MB`, `< ${restTarget} MB`, service.rssMb() < restTarget);
  await service.stop();

  // Restart on the existing store, with the daily run due in a few seconds (cron, seconds field).
  const fireAt = new Date(Date.now() + 25_000);
  service = await startServiceProcess({
    ...env,
    DAILY_PROMPT_CRON: `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} * * *`,
    TIMEZONE: 'UTC',
  });
  line(`${store} restart: ready after`, `${(service.readyMs / 1000).toFixed(1)} s`);
  line(
    `${store} restart: peak RSS`,
    `${service.peakMb().toFixed(0)} MB`,
    peakTarget ? `< ${peakTarget} MB` : undefined,
    peakTarget ? service.peakMb() < peakTarget : undefined,
  );
  service.resetPeak();
  const seconds = await dailyRun(service);
  const sent = await service.metric('privacy_prompts_sent_total');
  line(`${store} daily run (${DRIVERS} drivers)`, `${seconds.toFixed(1)} s, ${sent} prompts sent`);
  line(
    `${store} daily run: peak RSS`,
    `${service.peakMb().toFixed(0)} MB`,
    peakTarget ? `< ${peakTarget} MB` : undefined,
    peakTarget ? service.peakMb() < peakTarget : undefined,
  );
  await sleep(SETTLE_MS);
  line(`${store} at rest after the daily run`, `${service.rssMb().toFixed(0)} MB`, `< ${restTarget} MB`, service.rssMb() < restTarget);
  await service.stop();
}

/** Waits for the service's cron to fire and finish the daily run; returns its duration. */
async function dailyRun(service: ServiceProcess): Promise<number> {
  let started: number | undefined;
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const done =
      (await service.metric('cron_runs_total', 'job="daily-prompt",outcome="ok"')) +
      (await service.metric('cron_runs_total', 'job="daily-prompt",outcome="error"'));
    if (done > 0) return (performance.now() - (started ?? performance.now())) / 1000;
    if (started === undefined && (await service.metric('ocean_request_duration_seconds_count')) > 0) started = performance.now();
    await sleep(100);
  }
  throw new Error('the daily run did not finish within 5 minutes');
}

runBench(main);
