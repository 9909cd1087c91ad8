import { DateTime } from 'luxon';
import { OceanClient } from '../src/ocean';
import { AnswerWindow } from '../src/privacy/daily/answer-window';
import { Outbox } from '../src/privacy/daily/outbox';
import { PromptMessages } from '../src/privacy/daily/prompt-messages';
import { Suggestions } from '../src/privacy/daily/suggestions';
import { ChatPorts } from '../src/privacy/ports';
import { Fleet } from '../src/sandbox/fleet';
import { Store } from '../src/store';
import { line, mb, now, runBench, startSimProcess } from './support';

/**
 * Soak: 10,000 prompts and their answers through the store and the outbox to the simulator.
 * Memory must stay flat: RSS and heap at the start, the middle and the end.
 */
async function main(): Promise<void> {
  const total = 10_000;
  const sim = await startSimProcess({});
  const fleet = new Fleet();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_soak_${process.pid}`;
  const store = await Store.open({ databaseUrl, schema }).catch(() => Store.open());
  const ocean = new OceanClient({ baseUrl: sim.baseUrl, login: sim.login, password: sim.password, maxConcurrency: 16 });
  const clock = { now: () => new Date() };
  const messages = new PromptMessages({
    store,
    ports: new ChatPorts(),
    clock,
    zone: 'Europe/Paris',
    window: new AnswerWindow('Europe/Paris', 7, clock),
    suggestions: new Suggestions({ store, zone: 'Europe/Paris' }),
    defaultLocale: 'fr',
  });
  const outbox = new Outbox({ store, ocean, messages, clock, worker: 'soak', batchSize: 50 });
  const person = await store.people.see({ platform: 'web', workspaceId: 'soak', chatUserId: 'driver' });
  // Real trips of the seeded fleet, going back day by day, so that Ocean (the simulator) accepts them.
  const trips: { id: number; vehicleId: number; numeroEmbarque: number }[] = [];
  for (let day = DateTime.fromISO('2026-11-24'); trips.length < total; day = day.minus({ days: 1 })) {
    for (const vehicle of fleet.vehicles) {
      for (const trip of fleet.trips(vehicle.id, day.toISODate()!, 'Europe/Paris'))
        trips.push({ id: trip.id, vehicleId: vehicle.id, numeroEmbarque: vehicle.numeroEmbarque });
    }
  }
  const samples: { at: string; rss: number; heap: number }[] = [];
  const sample = (at: string) => {
    global.gc?.();
    const m = process.memoryUsage();
    samples.push({ at, rss: m.rss, heap: m.heapUsed });
  };
  sample('start');
  const started = now();
  const chunk = 1000;
  let delivered = 0;
  for (let i = 0; i < total; i += chunk) {
    for (let j = i; j < i + chunk; j += 1) {
      const trip = trips[j]!;
      const prompt = await store.prompts.claim({
        individuId: 1_000_000 + j,
        day: '2026-11-24',
        personId: person.id,
        trips: {
          asked: [
            {
              id: trip.id,
              vehicleId: trip.vehicleId,
              numeroEmbarque: trip.numeroEmbarque,
              start: null,
              end: null,
              fromTown: 'Lyon',
              toTown: 'Bron',
              distanceMeter: 1000,
              durationSec: 600,
            },
          ],
          alreadyPrivate: 0,
        },
        worker: 'soak',
        leaseMs: 60_000,
      });
      await store.prompts.markSent(prompt!.id, { platform: 'web' });
      await store.answers.record({ promptId: prompt!.id, tripIds: [trip.id], choice: j % 3 ? 'professional' : 'private', answeredBy: person.id });
    }
    delivered += await outbox.drain();
    if (i + chunk === total / 2) sample('middle (5,000)');
  }
  sample('end (10,000)');
  const seconds = (now() - started) / 1000;
  const stats = await store.answers.stats();
  line('store', store.kind === 'postgres' ? 'PostgreSQL server' : 'PGlite');
  line('prompts and answers', `${total} in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} a second, store and Ocean included)`);
  line(
    'answers delivered / pending / refused',
    `${stats.delivered} / ${stats.pending} / ${stats.refused}`,
    `${total} / 0 / 0`,
    stats.delivered === total && stats.pending === 0 && stats.refused === 0,
  );
  for (const s of samples) line(`memory at ${s.at}`, `RSS ${mb(s.rss)}, heap ${mb(s.heap)}`);
  const growth = (samples[2]!.heap - samples[1]!.heap) / 1024 / 1024;
  line('heap growth, middle → end', `${growth.toFixed(1)} MB`, 'flat (< 20 MB)', growth < 20);
  void delivered;
  await ocean.close();
  if (store.kind === 'postgres') await store.db.schema.dropSchema(schema).cascade().execute();
  await store.close();
  sim.stop();
}

runBench(main);
