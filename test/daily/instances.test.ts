import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { ManualClock } from '../../src/clock';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { Store } from '../../src/store';
import { addDriversToSlack, dailyCliEnv } from '../support/cli-env';
import { recentWorkday } from '../support/days';
import { FakeSlack } from '../support/fake-slack';
import { freshSchema } from '../support/pg-schema';
import { addFleetToSlack, eventually, promptsPerChannel, startTestService } from '../support/service';
import { blockActionsBody, post, sign } from '../support/slack-requests';
import { describeServerOnly } from '../support/stores';
import { settled } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');

/** Prompts claimed within the last second (DAILY_CLAIM_LEASE_SECONDS=1): a killed worker's claims still held. */
async function claimsHeld(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from daily_prompts where status = 'claimed' and claimed_at > now() - interval '1 second'",
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describeServerOnly()('several instances on one PostgreSQL server', () => {
  it('instances starting together in a schema of a database that other schemas share all migrate it and start', async () => {
    // Another application (or test) of the same database, with Kysely's tables in its own schema.
    const other = await freshSchema();
    const db = await freshSchema();
    await (await Store.open({ databaseUrl: other.url, poolSize: 1 })).close();
    const stores = await Promise.all(Array.from({ length: 4 }, () => Store.open({ databaseUrl: db.url, poolSize: 2 })));
    try {
      for (const store of stores) {
        expect(await store.ping()).toBe(true);
        expect(await store.migrate()).toEqual([]);
        expect(await store.db.selectFrom('people').select('id').execute()).toEqual([]);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('two instances under the same cron send one prompt per driver, and deliver each answer once', async () => {
    const db = await freshSchema();
    const sim = new OceanSimulator({ clock: new ManualClock(new Date()) });
    await sim.start();
    const slack = new FakeSlack();
    await slack.start();
    const options = {
      teams: false as const,
      simulator: sim,
      fakeSlack: slack,
      databaseUrl: db.url,
      realClock: { now: () => new Date() },
      jobs: true,
      config: { dailyPromptCron: '*/2 * * * * *', reminderCron: null },
    };
    const [a, b] = await Promise.all([startTestService(options), startTestService(options)]);
    try {
      addFleetToSlack(a);
      const completed = async () =>
        (await a.service.core.store.db.selectFrom('cron_claims').selectAll().execute()).filter((r) => r.key.startsWith('daily-prompt:') && r.completed_at)
          .length;
      await eventually(async () => (await completed()) >= 3, 40_000);
      const counts = promptsPerChannel(a);
      expect(counts.size).toBeGreaterThan(0);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      // The same click reaching both instances (a retry through the load balancer): one delivery.
      const prompt = (await a.service.core.store.people.linked()).find((p) => p.chat_user_id === 'U_9');
      const row = await a.service.core.store.db.selectFrom('daily_prompts').selectAll().where('person_id', '=', prompt!.id).executeTakeFirst();
      const value = `ans:${row!.id}:0:private`;
      for (const target of [a, b]) {
        const body = blockActionsBody({ user: 'U_9', actionId: 'trip_answer:0', value, responseUrl: slack.responseUrl() });
        await post(target.url, body, 'application/x-www-form-urlencoded', sign(body));
      }
      await eventually(async () => (await a.service.core.store.answers.latest(row!.id)).every((x) => x.status === 'delivered'));
      // Both instances idle (no delivery under way anywhere): Ocean has had every request it will get.
      await Promise.all([settled(a.service), settled(b.service)]);
      // One stored answer (the second click found the same choice already there), tried once.
      const rows = await a.service.core.store.db.selectFrom('trip_answers').select(['status', 'attempts']).where('prompt_id', '=', row!.id).execute();
      expect(rows).toEqual([{ status: 'delivered', attempts: 1 }]);
      expect(sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori')).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await slack.stop();
      await sim.stop();
    }
  }, 90_000);

  it('a run killed with SIGKILL in the middle and started again ends with every driver prompted exactly once', async () => {
    const db = await freshSchema();
    // The CLI child runs on the real clock: a recent working day, and the simulator's clock now.
    const day = recentWorkday();
    const sim = new OceanSimulator({ clock: new ManualClock(new Date()) });
    await sim.start();
    const slack = new FakeSlack();
    await slack.start();
    slack.postLatencyMs = 60;
    addDriversToSlack(slack, sim.fleet.drivers);
    const env = dailyCliEnv(sim, slack, db.url);
    const run = (killAfter?: number) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'daily', '--date', day], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        let timer: NodeJS.Timeout | undefined;
        if (killAfter !== undefined) {
          const start = slack.callsTo('chat.postMessage').length;
          timer = setInterval(() => {
            if (slack.callsTo('chat.postMessage').length - start >= killAfter) child.kill('SIGKILL');
          }, 5);
        }
        child.on('exit', (code) => {
          if (timer) clearInterval(timer);
          resolve({ code, out });
        });
      });
    try {
      const killed = await run(6);
      expect(killed.code).toBeNull(); // killed, not finished
      const partial = promptsPerChannel({ slack } as never).size;
      expect(partial).toBeGreaterThanOrEqual(6);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await eventually(async () => (await claimsHeld(db.url)) === 0, { timeout: 10_000, interval: 50 }); // the dead worker's claims expire
        const again = await run();
        expect(again.code).toBe(0);
        if (!/"busy": [1-9]/.test(again.out)) break;
      }
      const counts = promptsPerChannel({ slack } as never);
      const eligible = sim.fleet.drivers.filter((d) => d.email && d.vehicleId).length;
      expect(counts.size).toBeGreaterThan(partial);
      expect(counts.size).toBeLessThanOrEqual(eligible);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    } finally {
      await slack.stop();
      await sim.stop();
    }
  }, 60_000);
});
