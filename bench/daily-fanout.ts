import { type Insertable, sql } from 'kysely';
import { DateTime } from 'luxon';
import { startService } from '../adapters/service';
import { createLogger } from '../src/log';
import { addDays } from '../src/ocean/dates';
import { tripSlot } from '../src/privacy/daily/suggestion-rule';
import { Fleet } from '../src/sandbox/fleet';
import { type AnsweredTripsTable, Store } from '../src/store';
import { FakeSlack } from '../test/support/fake-slack';
import { benchConfig, line, now, percentile, runBench, startSimProcess, withPeakRss } from './support';

/**
 * The daily run for 1,000 drivers: Ocean answers in 30 ms (simulator in its own process), Slack
 * allows 50 chat.postMessage a second and answers 429 with Retry-After beyond. Two rates bound
 * the run, and the slower one is the bound: Slack's, prompts / 50 seconds; and Ocean's, every
 * Ocean request × 30 ms / 16 (the client's concurrency). A fleet day spans two UTC dates and
 * `ficheJour` is documented per UTC date, so each vehicle costs two `ficheJour` calls, plus the
 * schedule GETs of drivers with trips. Targets: at most 1.15 × the bound, no duplicate, no drop.
 * Every driver has a year of answers in their history (suggestions, issue 22): the time spent
 * working out each prompt's suggestions is measured apart (BENCH_NO_HISTORY=1 leaves it empty).
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
  if (!process.env.BENCH_NO_HISTORY) {
    const seeded = now();
    // A fleet of its own: the year of trips it generates is garbage once written.
    const rows = await seedHistory(store, new Fleet({ size }), day);
    // Statistics up to date, as a server that has lived with the table would have them.
    await sql`analyze answered_trips`.execute(store.db);
    // A year written in three minutes is not how a history grows: its writes are flushed before
    // the run, so that the server's checkpoint does not fall in the middle of it.
    if (store.kind === 'postgres') await sql`checkpoint`.execute(store.db).catch(() => undefined);
    (globalThis as { gc?: () => void }).gc?.();
    line('answer history (a year, every driver)', `${rows} answered trips, written in ${((now() - seeded) / 1000).toFixed(1)} s`);
  }
  const config = benchConfig({ baseUrl: sim.baseUrl, login: sim.login, password: sim.password }, slack.apiUrl, 'bench-secret');
  const service = await startService(config, {
    logger: createLogger('silent'),
    store,
    jobs: false,
    clock: { now: () => new Date('2026-11-25T07:30:00Z') },
    oceanMaxConcurrency: OCEAN_CONCURRENCY,
  });
  const simCount = async (endpoint?: string) => {
    const url = new URL('/__sim/count', sim.baseUrl);
    if (endpoint) url.searchParams.set('endpoint', endpoint);
    return ((await (await fetch(url)).json()) as { count: number }).count;
  };
  // Time spent working out suggestions, prompt by prompt (the store's two reads and the rule).
  const suggestions = service.core.suggestions;
  const computeTimes: number[] = [];
  let suggested = 0;
  let withSuggestions = 0;
  const forPrompt = suggestions.forPrompt.bind(suggestions);
  suggestions.forPrompt = async (...args) => {
    const started = now();
    const result = await forPrompt(...args);
    computeTimes.push(now() - started);
    suggested += result.size;
    if (result.size) withSuggestions += 1;
    return result;
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
  const sortedTimes = [...computeTimes].sort((a, b) => a - b);
  const mean = computeTimes.reduce((sum, ms) => sum + ms, 0) / Math.max(1, computeTimes.length);
  line('suggestions worked out', `${computeTimes.length} prompts, ${withSuggestions} with a suggestion (${suggested} trips suggested)`);
  // The same work again, prompt after prompt with nothing else running: its own cost, without
  // waiting for a connection behind the run's other work.
  const alone: number[] = [];
  for (const prompt of await store.prompts.forDay(day)) {
    const started = now();
    await forPrompt(prompt, []);
    alone.push(now() - started);
  }
  alone.sort((a, b) => a - b);
  line(
    'suggestions time per prompt, alone',
    `mean ${(alone.reduce((a, b) => a + b, 0) / Math.max(1, alone.length)).toFixed(2)} ms, p95 ${percentile(alone, 95).toFixed(2)} ms`,
  );
  line(
    'suggestions time per prompt, in the run',
    `mean ${mean.toFixed(2)} ms, p95 ${percentile(sortedTimes, 95).toFixed(2)} ms, max ${(sortedTimes.at(-1) ?? 0).toFixed(2)} ms (${(computeTimes.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s in all)`,
  );
  await service.stop();
  if (store.kind === 'postgres') await store.db.schema.dropSchema(schema).cascade().execute();
  await store.close();
  await slack.stop();
  sim.stop();
}

/**
 * A year of answers before `day` for every driver, straight into the store's history in large
 * inserts: each vehicle's generated trips, answered as a driver would (evenings and weekends
 * private, the rest professional, one answer in ten the other way).
 */
async function seedHistory(store: Store, fleet: Fleet, day: string): Promise<number> {
  const zone = 'Europe/Paris';
  let batch: Insertable<AnsweredTripsTable>[] = [];
  let rows = 0;
  const flush = async () => {
    if (!batch.length) return;
    await store.db
      .insertInto('answered_trips')
      .values(batch)
      .onConflict((oc) => oc.doNothing())
      .execute();
    rows += batch.length;
    batch = [];
  };
  for (let back = 365; back >= 1; back -= 1) {
    const date = addDays(day, -back);
    for (const vehicle of fleet.vehicles) {
      for (const trip of fleet.trips(vehicle.id, date, zone)) {
        const slot = tripSlot({ fromTown: trip.from.town, toTown: trip.to.town, start: trip.start.toISO() }, zone);
        if (!slot) continue;
        const usual = slot.weekend || slot.startMinute >= 19 * 60 ? 'private' : 'professional';
        const other = usual === 'private' ? 'professional' : 'private';
        const choice = (trip.id % 10 === 3 ? other : usual) as 'private' | 'professional';
        batch.push({
          individu_id: trip.driverId,
          trip_id: trip.id,
          from_town: slot.fromTown,
          to_town: slot.toTown,
          start_at: slot.startAt,
          weekend: slot.weekend,
          start_minute: slot.startMinute,
          choice,
          answered_at: DateTime.fromJSDate(slot.startAt).plus({ days: 1 }).toJSDate(),
        });
        // PGlite reads a statement of tens of thousands of parameters as one message, and fails.
        if (batch.length >= (store.kind === 'postgres' ? 5000 : 500)) await flush();
      }
    }
  }
  await flush();
  return rows;
}

runBench(main);
