import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { Fleet } from '../src/sandbox/fleet';
import { Store } from '../src/store';
import { addDriversToSlack, dailyCliEnv } from '../test/support/cli-env';
import { FakeSlack } from '../test/support/fake-slack';
import { line, runBench, startSimProcess } from './support';

/**
 * Chaos: the daily run and the answer delivery killed with SIGKILL at random moments, ten times,
 * restarted each time (`npm run daily` against PostgreSQL). At the end every driver was prompted
 * exactly once and Ocean holds every answer's choice. Needs a PostgreSQL server.
 */
const ROOT = path.resolve(__dirname, '../..');
const DAY = '2026-11-24';

async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_chaos_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    line('chaos', 'skipped: no PostgreSQL server answers (set BENCH_DATABASE_URL)');
    return;
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  const sim = await startSimProcess({ size: 200, faults: { latencyMs: 5 } });
  const slack = new FakeSlack();
  await slack.start();
  slack.postLatencyMs = 15;
  const fleet = new Fleet({ size: 200 });
  addDriversToSlack(slack, fleet.drivers);
  const env = { ...dailyCliEnv(sim, slack, databaseUrl), LOG_LEVEL: 'silent' };
  const origin = new URL(sim.baseUrl).origin;
  const etapes = async () => ((await (await fetch(`${origin}/__sim/count?endpoint=vieprivee/v1/etapeViePriveePosteriori`)).json()) as { count: number }).count;
  /** Runs `npm run daily` once; with `killWhen`, SIGKILLs it as soon as that progress is seen. */
  const run = (killWhen?: () => Promise<boolean>) =>
    new Promise<'killed' | number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'daily', '--date', DAY], {
        env,
        stdio: ['ignore', 'ignore', process.env.CHAOS_DEBUG ? 'inherit' : 'ignore'],
      });
      let done = false;
      const watch = async () => {
        while (!done && killWhen) {
          if (await killWhen()) {
            child.kill('SIGKILL');
            return;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      void watch();
      child.on('exit', (code, signal) => {
        done = true;
        resolve(signal === 'SIGKILL' ? 'killed' : code);
      });
    });
  const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
  let kills = 0;
  // Phase 1: the daily run, killed after a random number of new prompts.
  for (let i = 0; i < 5; i += 1) {
    const start = slack.callsTo('chat.postMessage').length;
    const after = random(3, 25);
    if ((await run(async () => slack.callsTo('chat.postMessage').length - start >= after)) === 'killed') kills += 1;
    await new Promise((r) => setTimeout(r, 1100)); // the dead worker's claims expire
  }
  // Phase 2: answers for every prompt sent so far, delivered by runs killed in the middle.
  const store = await Store.open({ databaseUrl });
  const expected = new Map<number, boolean>();
  const answer = async (): Promise<number> => {
    let added = 0;
    for (const prompt of await store.prompts.forDay(DAY)) {
      if (prompt.status !== 'sent' || prompt.person_id === null) continue;
      const trips = (prompt.trips as { asked: { id: number }[] }).asked;
      for (const [i, trip] of trips.entries()) {
        if (expected.has(trip.id)) continue;
        const choice = (trip.id + i) % 2 === 0 ? 'private' : 'professional';
        await store.answers.record({ promptId: prompt.id, tripIds: [trip.id], choice, answeredBy: prompt.person_id });
        expected.set(trip.id, choice === 'private');
        added += 1;
      }
    }
    return added;
  };
  for (let i = 0; i < 5; i += 1) {
    await answer();
    const start = await etapes();
    const after = random(5, 60);
    if ((await run(async () => (await etapes()) - start >= after)) === 'killed') kills += 1;
    await new Promise((r) => setTimeout(r, 1100));
  }
  // Then runs to completion until every driver is prompted and every answer delivered (answers
  // claimed by a killed worker wait for its 60-second lease to expire).
  for (let i = 0; i < 60; i += 1) {
    await run();
    const added = await answer();
    const pending = (await store.answers.stats()).pending;
    const open = (await store.prompts.forDay(DAY)).filter((p) => p.status === 'claimed').length;
    if (added === 0 && pending === 0 && open === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const perChannel = new Map<string, number>();
  for (const call of slack.callsTo('chat.postMessage')) perChannel.set(String(call.args.channel), (perChannel.get(String(call.args.channel)) ?? 0) + 1);
  const duplicates = [...perChannel.values()].filter((n) => n > 1).length;
  const marks = (await (await fetch(`${origin}/__sim/trip-marks`)).json()) as Record<string, boolean>;
  const wrong = [...expected].filter(([trip, value]) => marks[String(trip)] !== value).length;
  const stats = await store.answers.stats();
  line('SIGKILLs (daily run and delivery)', String(kills), '10', kills === 10);
  line('drivers prompted', `${perChannel.size}, each exactly once: ${duplicates === 0 ? 'yes' : `no (${duplicates} twice)`}`, 'no duplicate', duplicates === 0);
  line(
    'answers',
    `${expected.size}; in Ocean with the right choice: ${expected.size - wrong}; pending: ${stats.pending}`,
    'all, none pending',
    wrong === 0 && stats.pending === 0,
  );
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await slack.stop();
  sim.stop();
}

runBench(main);
