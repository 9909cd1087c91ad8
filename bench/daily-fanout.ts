import { startService } from '../adapters/service';
import { createLogger } from '../src/logger';
import { Fleet } from '../src/sandbox/fleet';
import { Store } from '../src/store';
import { FakeSlack } from '../test/support/fake-slack';
import { benchConfig, line, now, runBench, startSimProcess, withPeakRss } from './support';

/**
 * The daily run for 1,000 drivers: Ocean answers in 30 ms (simulator in its own process), Slack
 * allows 50 chat.postMessage a second and answers 429 with Retry-After beyond. Two rates bound
 * the run, and the slower one is the bound: Slack's, prompts / 50 seconds; and Ocean's, every
 * Ocean request × 30 ms / 16 (the client's concurrency). A fleet day spans two UTC dates and
 * `ficheJour` is documented per UTC date, so each vehicle costs two `ficheJour` calls, plus the
 * schedule GETs of drivers with trips. Targets: at most 1.15 × the bound, no duplicate, no drop.
 */
const OCEAN_LATENCY_MS = 30;
const OCEAN_CONCURRENCY = 16;
async function main(): Promise<void> {
  const size = 1000;
  const day = '2026-11-24';
  const sim = await startSimProcess({ size, faults: { latencyMs: OCEAN_LATENCY_MS } });
  const fleet = new Fleet({ size });
  const slack = new FakeSlack();
  await slack.start();
  slack.perSecond.set('chat.postMessage', 50);
  for (const d of fleet.drivers) if (d.email) slack.addUser({ id: `U_${d.index}`, team: 'T_FLEET', email: d.email, name: d.firstName });
  // Thousands of drivers: the deployment this bench stands for uses PostgreSQL (DATABASE_URL);
  // without a server it falls back to the embedded PGlite.
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${process.pid}`;
  const store = await Store.open({ databaseUrl, schema }).catch(() => Store.open());
  line('store', store.kind === 'postgres' ? 'PostgreSQL server' : 'PGlite (no PostgreSQL server answered)');
  const config = benchConfig({ baseUrl: sim.baseUrl, login: sim.login, password: sim.password }, slack.apiUrl, 'bench-secret');
  const service = await startService(config, { logger: createLogger('silent'), store, jobs: false, clock: { now: () => new Date('2026-11-25T07:30:00Z') }, oceanMaxConcurrency: OCEAN_CONCURRENCY });
  const simCount = async (endpoint?: string) => {
    const url = new URL('/__sim/count', sim.baseUrl);
    if (endpoint) url.searchParams.set('endpoint', endpoint);
    return ((await (await fetch(url)).json()) as { count: number }).count;
  };
  const before = await simCount();
  const { peakMb, result } = await withPeakRss(async () => {
    const started = now();
    const report = await service.core.dailyRun.run(day);
    return { report, seconds: (now() - started) / 1000 };
  });
  const { report, seconds } = result;
  const prompts = slack.callsTo('chat.postMessage');
  const perChannel = new Map<string, number>();
  for (const p of prompts) perChannel.set(String(p.args.channel), (perChannel.get(String(p.args.channel)) ?? 0) + 1);
  const duplicates = [...perChannel.values()].filter((n) => n > 1).length;
  const stored = (await store.prompts.forDay(day)).filter((p) => p.status === 'sent').length;
  const dropped = report.outcomes.failed + report.outcomes.busy + (stored - perChannel.size);
  const oceanCalls = (await simCount()) - before;
  const ficheJour = await simCount('mobility/v1/ficheJour');
  const slackBound = perChannel.size / 50;
  const oceanBound = (oceanCalls * OCEAN_LATENCY_MS) / OCEAN_CONCURRENCY / 1000;
  const bound = Math.max(slackBound, oceanBound);
  line('drivers with a vehicle', String(report.drivers));
  line('prompts sent', `${perChannel.size} (no trips: ${report.outcomes.noTrips}, unreachable: ${report.outcomes.unreachable})`);
  line('429 answers from Slack (waited out)', String(slack.calls.filter((c) => c.method === 'chat.postMessage:429').length));
  line('Ocean requests', `${oceanCalls} (ficheJour ${ficheJour}: two UTC dates per vehicle)`);
  line('bounds', `Slack ${slackBound.toFixed(1)} s, Ocean ${oceanBound.toFixed(1)} s`);
  line('total time', `${seconds.toFixed(1)} s (rate bound ${bound.toFixed(1)} s: ${(seconds / bound).toFixed(2)}×)`, '≤ 1.15×', seconds / bound <= 1.15);
  line('duplicates', String(duplicates), '0', duplicates === 0);
  line('drops', String(dropped), '0', dropped === 0);
  line('peak RSS', `${peakMb.toFixed(0)} MB`);
  await service.stop();
  if (store.kind === 'postgres') await store.db.schema.dropSchema(schema).cascade().execute();
  await store.close();
  await slack.stop();
  sim.stop();
}

runBench(main);
