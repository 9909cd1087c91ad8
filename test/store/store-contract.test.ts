import { ManualClock } from '../../src/clock';
import { SUGGESTION_AGREEING, SUGGESTION_WINDOW_MINUTES } from '../../src/privacy/daily/suggestion-rule';

const RULE = { count: SUGGESTION_AGREEING, windowMinutes: SUGGESTION_WINDOW_MINUTES };

import type { Store } from '../../src/store';
import { postgresUnavailableReason, storeTargets } from '../support/stores';

const targets = storeTargets();

it('the store suite says which databases it runs on', () => {
  const reason = postgresUnavailableReason();
  expect(targets.map((t) => t.name)).toEqual(reason ? ['PGlite'] : ['PGlite', 'PostgreSQL']);
});

describe.each(targets)('the store on $name', (target) => {
  const clock = new ManualClock('2026-11-25T07:30:00Z');
  let store: Store;

  beforeAll(async () => {
    store = await target.open(clock);
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    clock.set('2026-11-25T07:30:00Z');
    await store.truncateAll();
  });

  const alice = { platform: 'slack' as const, workspaceId: 'T_FLEET', chatUserId: 'U_ALICE' };

  it('running the migrations again changes nothing', async () => {
    expect(await store.migrate()).toEqual([]);
    expect(await store.ping()).toBe(true);
  });

  it('a person seen twice is one row; what the platform said last is kept, e-mails lower-cased', async () => {
    const first = await store.people.see({ ...alice, email: 'Alice@Example.FR', locale: 'fr-FR', displayName: 'Alice' });
    clock.advance(60_000);
    const second = await store.people.see({ ...alice, locale: 'en-GB' });
    expect(second.id).toBe(first.id);
    expect(second.email).toBe('alice@example.fr');
    expect(second.locale).toBe('en-GB');
    expect(second.last_seen_at.getTime()).toBe(first.last_seen_at.getTime() + 60_000);
    expect(await store.people.find(alice)).toMatchObject({ id: first.id });
    expect(await store.people.find({ ...alice, workspaceId: 'T_OTHER' })).toBeUndefined();
  });

  it('links a person to an Ocean individu (ids beyond 2^31 come back as numbers) and finds them by it', async () => {
    const person = await store.people.see({ ...alice, email: 'alice@example.fr' });
    await store.people.link(person.id, 1110000403, 'manual');
    await store.people.setRole(person.id, 'manager');
    const [linked] = await store.people.forIndividu(1110000403);
    expect(linked).toMatchObject({ id: person.id, individu_id: 1110000403, link_source: 'manual', role: 'manager' });
    expect(await store.people.linked()).toHaveLength(1);
    expect(await store.people.byEmail('ALICE@example.fr')).toHaveLength(1);
  });

  it('the person a driver used last comes first', async () => {
    const slack = await store.people.see({ ...alice });
    clock.advance(1000);
    const teams = await store.people.see({ platform: 'teams', workspaceId: 'tenant', chatUserId: '29:alice' });
    await store.people.link(slack.id, 42, 'email');
    await store.people.link(teams.id, 42, 'email');
    expect((await store.people.forIndividu(42)).map((p) => p.platform)).toEqual(['teams', 'slack']);
  });

  it('keeps conversation references and marks them inactive', async () => {
    const person = await store.people.see(alice);
    await store.conversations.save(person.id, { conversation: { id: 'a:1' }, serviceUrl: 'http://127.0.0.1:1/' });
    expect(await store.conversations.of(person.id)).toEqual({ reference: { conversation: { id: 'a:1' }, serviceUrl: 'http://127.0.0.1:1/' }, active: true });
    await store.conversations.deactivate(person.id);
    expect((await store.conversations.of(person.id))?.active).toBe(false);
  });

  it('a prompt is claimed once per driver and day, whoever asks', async () => {
    const person = await store.people.see(alice);
    const input = { individuId: 1110000401, day: '2026-11-24', personId: person.id, trips: [{ id: 1 }], leaseMs: 60_000 };
    const claims = await Promise.all([
      store.prompts.claim({ ...input, worker: 'a' }),
      store.prompts.claim({ ...input, worker: 'b' }),
      store.prompts.claim({ ...input, worker: 'c' }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)?.day).toBe('2026-11-24');
    expect(await store.prompts.claim({ ...input, day: '2026-11-25', worker: 'a' })).toBeDefined();
  });

  it('a claim left by a worker that died is taken over after its lease; a sent prompt never is', async () => {
    const person = await store.people.see(alice);
    const input = { individuId: 7, day: '2026-11-24', personId: person.id, trips: [], leaseMs: 60_000 };
    const first = await store.prompts.claim({ ...input, worker: 'dead' });
    expect(await store.prompts.claim({ ...input, worker: 'b' })).toBeUndefined();
    clock.advance(61_000);
    const resumed = await store.prompts.claim({ ...input, worker: 'b' });
    expect(resumed).toMatchObject({ id: first?.id, claimed_by: 'b' });
    await store.prompts.markSent(first?.id as number, { channel: 'D1', ts: '1.2' });
    clock.advance(3600_000);
    expect(await store.prompts.claim({ ...input, worker: 'c' })).toBeUndefined();
    expect(await store.prompts.byId(first?.id as number)).toMatchObject({ status: 'sent', message_ref: { channel: 'D1', ts: '1.2' } });
  });

  it('a reminder is claimed once per prompt', async () => {
    const person = await store.people.see(alice);
    const prompt = await store.prompts.claim({ individuId: 7, day: '2026-11-24', personId: person.id, trips: [], worker: 'a', leaseMs: 1 });
    expect(await store.prompts.claimReminder(prompt?.id as number)).toBe(false); // not sent yet
    await store.prompts.markSent(prompt?.id as number, {});
    const results = await Promise.all([store.prompts.claimReminder(prompt?.id as number), store.prompts.claimReminder(prompt?.id as number)]);
    expect(results.sort()).toEqual([false, true]);
  });

  describe('the answers outbox', () => {
    async function promptWithPerson() {
      const person = await store.people.see(alice);
      const prompt = await store.prompts.claim({ individuId: 7, day: '2026-11-24', personId: person.id, trips: [], worker: 'a', leaseMs: 1 });
      return { person, prompt: prompt as NonNullable<typeof prompt> };
    }

    /** Records one trip's answer and returns the trip's latest row. */
    async function record(promptId: number, tripId: number, choice: 'private' | 'professional', answeredBy: number, requestKey?: string) {
      const result = await store.answers.record({ promptId, tripIds: [tripId], choice, answeredBy, requestKey });
      const row = (await store.answers.latest(promptId)).find((a) => a.trip_id === tripId)!;
      return { ...result, row };
    }

    it("a driver's recent prompts with their latest answers come in one statement, as prompts.recent and answers.latest give them", async () => {
      const { person, prompt } = await promptWithPerson();
      const older = await store.prompts.claim({ individuId: 7, day: '2026-11-23', personId: person.id, trips: [], worker: 'a', leaseMs: 1 });
      const other = await store.prompts.claim({ individuId: 8, day: '2026-11-24', personId: person.id, trips: [], worker: 'a', leaseMs: 1 });
      for (const id of [prompt.id, older!.id, other!.id]) await store.prompts.markSent(id, {});
      await record(prompt.id, 1, 'private', person.id);
      clock.advance(60_000);
      await record(prompt.id, 2, 'professional', person.id);
      await record(prompt.id, 1, 'professional', person.id);
      await record(other!.id, 1, 'private', person.id);
      const expected = await Promise.all(
        (await store.prompts.recent(7, '2026-11-20')).map(async (p) => ({ prompt: p, answers: await store.answers.latest(p.id) })),
      );
      expect(expected.map((e) => [e.prompt.day, e.answers.length])).toEqual([
        ['2026-11-24', 2],
        ['2026-11-23', 0],
      ]);
      expect(await store.prompts.recentWithAnswers(7, '2026-11-20')).toEqual(expected);
      // Read with who is asking (a /privacy's first statement): the same, for the driver the person is linked to.
      const now = clock.now();
      expect((await store.people.meetClaiming(alice, now, now, 'slack:read-with', '2026-11-20')).prompts).toBeUndefined();
      await store.people.link(person.id, 7, 'email');
      const met = await store.people.meetClaiming(alice, now, now, 'slack:read-with-linked', '2026-11-20');
      expect(met.claimed).toBe(true);
      expect(met.prompts).toEqual(expected);
      expect((await store.people.meetClaiming(alice, now, now, undefined, '2026-11-25')).prompts).toEqual([]);
    });

    describe('the history suggestions learn from', () => {
      /** A trip of the driver's history, Lyon → Écully unless said, on a local day at a local minute. */
      const slot = (tripId: number, day: string, minute = 480, route: [string, string] = ['Lyon', 'Écully']) => ({
        tripId,
        fromTown: route[0],
        toTown: route[1],
        startAt: new Date(`${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+01:00`),
        weekend: [0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay()),
        startMinute: minute,
      });
      const history = (...trips: ReturnType<typeof slot>[]) => ({ individuId: 7, trips: new Map(trips.map((t) => [t.tripId, t])) });

      it('is written with the answer, in its transaction: a change of mind replaces it, a replay writes nothing', async () => {
        const { person, prompt } = await promptWithPerson();
        const trips = history(slot(1, '2026-11-03'), slot(2, '2026-11-03', 1050, ['Écully', 'Lyon']));
        await store.answers.record({ promptId: prompt.id, tripIds: [1, 2], choice: 'private', answeredBy: person.id, requestKey: 'k1', history: trips });
        expect((await store.history.of(7)).map((r) => [r.trip_id, r.from_town, r.to_town, r.weekend, r.start_minute, r.choice])).toEqual([
          [2, 'Écully', 'Lyon', false, 1050, 'private'],
          [1, 'Lyon', 'Écully', false, 480, 'private'],
        ]);
        clock.advance(60_000);
        await store.answers.record({ promptId: prompt.id, tripIds: [1], choice: 'professional', answeredBy: person.id, requestKey: 'k2', history: trips });
        expect((await store.history.of(7)).find((r) => r.trip_id === 1)).toMatchObject({
          choice: 'professional',
          answered_at: new Date('2026-11-25T07:31:00Z'),
        });
        // The first click replayed: nothing changes, in the outbox or in the history.
        expect(
          await store.answers.record({ promptId: prompt.id, tripIds: [1], choice: 'private', answeredBy: person.id, requestKey: 'k1', history: trips }),
        ).toMatchObject({ replayed: true });
        expect((await store.history.of(7)).find((r) => r.trip_id === 1)?.choice).toBe('professional');
        // Another driver's history is apart.
        expect(await store.history.of(8)).toEqual([]);
      });

      it('a failed answer leaves no history: both are one transaction', async () => {
        const { person, prompt } = await promptWithPerson();
        const bad = { individuId: 7, trips: new Map([[1, { ...slot(1, '2026-11-03'), startMinute: Number.NaN }]]) };
        await expect(store.answers.record({ promptId: prompt.id, tripIds: [1], choice: 'private', answeredBy: person.id, history: bad })).rejects.toThrow();
        expect(await store.answers.latest(prompt.id)).toEqual([]);
        expect(await store.history.of(7)).toEqual([]);
      });

      it('per-trip answers with onlyUnanswered leave trips already answered as they are', async () => {
        const { person, prompt } = await promptWithPerson();
        await store.answers.record({ promptId: prompt.id, tripIds: [1], choice: 'professional', answeredBy: person.id });
        const result = await store.answers.record({
          promptId: prompt.id,
          picks: [
            { tripId: 1, choice: 'private' },
            { tripId: 2, choice: 'private' },
            { tripId: 3, choice: 'professional' },
          ],
          onlyUnanswered: true,
          answeredBy: person.id,
          history: history(slot(1, '2026-11-03'), slot(2, '2026-11-03'), slot(3, '2026-11-03')),
        });
        expect(result).toMatchObject({ created: 2, tripIds: [2, 3] });
        expect((await store.answers.latest(prompt.id)).map((a) => [a.trip_id, a.choice])).toEqual([
          [1, 'professional'],
          [2, 'private'],
          [3, 'professional'],
        ]);
        expect((await store.history.of(7)).map((r) => r.trip_id).sort()).toEqual([2, 3]);
      });

      it('reads, for all the trips of a prompt in one query, the latest three near each on its route and kind of day', async () => {
        const { person, prompt } = await promptWithPerson();
        const past = [
          slot(1, '2026-10-27'),
          slot(2, '2026-11-03'),
          slot(3, '2026-11-10', 540),
          slot(4, '2026-11-17', 420),
          slot(5, '2026-11-17', 600),
          slot(6, '2026-11-14'),
          slot(7, '2026-11-17', 480, ['Lyon', 'Bron']),
        ];
        await store.answers.record({
          promptId: prompt.id,
          tripIds: past.map((t) => t.tripId),
          choice: 'private',
          answeredBy: person.id,
          history: history(...past),
        });
        const rows = await store.history.near(
          7,
          [
            { ...slot(100, '2026-11-24'), tripId: 100 },
            { ...slot(101, '2026-11-24', 480, ['Lyon', 'Bron']), tripId: 101 },
          ],
          RULE,
        );
        // Lyon → Écully on weekdays within 90 minutes of 08:00: 4, 3, 2 (5 is 10:00, 6 a Saturday, 1 older).
        expect(
          rows
            .filter((r) => r.toTown === 'Écully')
            .map((r) => r.tripId)
            .sort(),
        ).toEqual([2, 3, 4]);
        expect(rows.filter((r) => r.toTown === 'Bron').map((r) => r.tripId)).toEqual([7]);
        expect(await store.history.near(8, [{ ...slot(100, '2026-11-24'), tripId: 100 }], RULE)).toEqual([]);
      });

      it('suggestions are on by default; off and on for every account of the driver', async () => {
        const slack = await store.people.see(alice);
        const teams = await store.people.see({ platform: 'teams', workspaceId: 'tenant', chatUserId: '29:alice' });
        const other = await store.people.see({ ...alice, chatUserId: 'U_BOB' });
        for (const p of [slack, teams]) await store.people.link(p.id, 7, 'email');
        await store.people.link(other.id, 8, 'email');
        expect(await store.history.on(7)).toBe(true);
        await store.history.set({ individuId: 7, personId: teams.id }, false);
        expect(await store.history.on(7)).toBe(false);
        expect(await store.history.on(8)).toBe(true);
        expect((await store.people.byId(slack.id))?.suggestions).toBe(false);
        // The history is not read for a driver who turned suggestions off.
        const { prompt } = await promptWithPerson();
        const past = [slot(1, '2026-11-03'), slot(2, '2026-11-10'), slot(3, '2026-11-17')];
        await store.answers.record({ promptId: prompt.id, tripIds: [1, 2, 3], choice: 'private', answeredBy: slack.id, history: history(...past) });
        expect(await store.history.near(7, [{ ...slot(100, '2026-11-24'), tripId: 100 }], RULE)).toEqual([]);
        await store.history.set({ individuId: 7, personId: slack.id }, true);
        expect(await store.history.on(7)).toBe(true);
        expect(await store.history.near(7, [{ ...slot(100, '2026-11-24'), tripId: 100 }], RULE)).toHaveLength(3);
      });

      it('a driver erased loses their history; the retention purge takes old history', async () => {
        const { person, prompt } = await promptWithPerson();
        await store.answers.record({
          promptId: prompt.id,
          tripIds: [1, 2],
          choice: 'private',
          answeredBy: person.id,
          history: history(slot(1, '2025-10-01'), slot(2, '2026-11-03')),
        });
        expect(await store.history.before(new Date('2025-10-27T00:00:00Z'))).toBe(1);
        expect((await store.history.of(7)).map((r) => r.trip_id)).toEqual([2]);
        await store.once(undefined, (tx) => tx.erasure.erase(7, [person.id], []).then(() => undefined));
        expect(await store.history.of(7)).toEqual([]);
      });
    });

    it('stores an answer as pending and hands it to one worker at a time', async () => {
      const { person, prompt } = await promptWithPerson();
      const { row: answer } = await record(prompt.id, 1000000000001, 'private', person.id);
      expect(answer).toMatchObject({ status: 'pending', attempts: 0, trip_id: 1000000000001 });
      const [a, b] = await Promise.all([store.answers.claimDue('w1', 10, 30_000), store.answers.claimDue('w2', 10, 30_000)]);
      expect([...(a ?? []), ...(b ?? [])].map((r) => r.id)).toEqual([answer.id]);
      await store.answers.markDelivered(answer.id);
      expect(await store.answers.byId(answer.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(await store.answers.claimDue('w1', 10, 30_000)).toEqual([]);
    });

    it('a failed delivery waits for its retry time; a refusal is final', async () => {
      const { person, prompt } = await promptWithPerson();
      const { row: answer } = await record(prompt.id, 5, 'professional', person.id);
      await store.answers.claimDue('w', 10, 30_000);
      await store.answers.markDeliveryFailed(answer.id, 'Ocean unavailable', new Date(clock.now().getTime() + 5000));
      expect(await store.answers.claimDue('w', 10, 30_000)).toEqual([]);
      clock.advance(5000);
      expect((await store.answers.claimDue('w', 10, 30_000)).map((r) => r.attempts)).toEqual([2]);
      await store.answers.markRefused(answer.id, 'invalidInput');
      expect(await store.answers.stats()).toMatchObject({ pending: 0, refused: 1 });
    });

    it("a changed mind supersedes the pending answer; the trip's deliveries never overlap", async () => {
      const { person, prompt } = await promptWithPerson();
      const { row: first } = await record(prompt.id, 5, 'private', person.id);
      const [claimed] = await store.answers.claimDue('w', 10, 30_000);
      expect(claimed?.id).toBe(first.id);
      const { row: second } = await record(prompt.id, 5, 'professional', person.id);
      expect(await store.answers.claimDue('w', 10, 30_000)).toEqual([]); // the first is still in flight
      await store.answers.markDelivered(first.id);
      expect((await store.answers.claimDue('w', 10, 30_000)).map((r) => r.id)).toEqual([second.id]);
      expect(await store.answers.byId(first.id)).toMatchObject({ status: 'superseded' });
      expect((await store.answers.latest(prompt.id)).map((r) => r.choice)).toEqual(['professional']);
    });

    it('an expired lease makes the answer due again (the worker died)', async () => {
      const { person, prompt } = await promptWithPerson();
      await record(prompt.id, 5, 'private', person.id);
      await store.answers.claimDue('dead', 10, 30_000);
      clock.advance(31_000);
      expect((await store.answers.claimDue('alive', 10, 30_000)).map((r) => r.locked_by)).toEqual(['alive']);
    });

    it("the leases freed at an embedded store's start include a superseded answer's: the trip's newer answer is due at once", async () => {
      const { person, prompt } = await promptWithPerson();
      const { row: first } = await record(prompt.id, 5, 'private', person.id);
      expect((await store.answers.claimDue('dead', 10, 60_000)).map((r) => r.id)).toEqual([first.id]);
      // The driver changed their mind while the first was being delivered; then the process died.
      const { row: second } = await record(prompt.id, 5, 'professional', person.id);
      expect(await store.answers.releaseLeases()).toBe(1);
      expect((await store.answers.claimDue('next', 10, 60_000)).map((r) => r.id)).toEqual([second.id]);
    });

    it('the same answer arriving twice at once (a double click) is stored once', async () => {
      const { person, prompt } = await promptWithPerson();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => store.answers.record({ promptId: prompt.id, tripIds: [9], choice: 'private', answeredBy: person.id })),
      );
      expect(results.map((r) => r.created).sort()).toEqual([0, 0, 0, 1]);
      expect(await store.answers.latest(prompt.id)).toHaveLength(1);
    });

    it('a replayed request changes nothing, even after a change of mind: its key is written with the answer', async () => {
      const { person, prompt } = await promptWithPerson();
      expect(await record(prompt.id, 9, 'private', person.id, 'slack:click-1')).toMatchObject({ replayed: false, created: 1 });
      await record(prompt.id, 9, 'professional', person.id, 'slack:click-2');
      // The first click again, within Slack's 5-minute window: the driver's change of mind stands.
      expect(await record(prompt.id, 9, 'private', person.id, 'slack:click-1')).toMatchObject({ replayed: true, created: 0 });
      expect((await store.answers.latest(prompt.id)).map((a) => a.choice)).toEqual(['professional']);
      const replays = await Promise.all(
        [1, 2, 3].map(() =>
          store.answers.record({ promptId: prompt.id, tripIds: [10, 11], choice: 'private', answeredBy: person.id, requestKey: 'slack:click-3' }),
        ),
      );
      expect(replays.map((r) => r.replayed).sort()).toEqual([false, true, true]);
      expect((await store.answers.latest(prompt.id)).filter((a) => a.trip_id !== 9)).toHaveLength(2);
    });

    it('an effect runs once per request key, in one transaction with the key', async () => {
      const person = await store.people.see(alice);
      expect(await store.once('teams:activity-1', (tx) => tx.people.setPreferredLocale(person.id, 'en'))).toBe(true);
      await store.people.setPreferredLocale(person.id, 'fr');
      expect(await store.once('teams:activity-1', (tx) => tx.people.setPreferredLocale(person.id, 'en'))).toBe(false);
      expect((await store.people.byId(person.id))?.preferred_locale).toBe('fr');
      // A failed effect leaves no key behind: the same request may be tried again.
      await expect(store.once('teams:activity-2', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await store.once('teams:activity-2', async () => undefined)).toBe(true);
    });

    it('reports the age of the oldest pending answer', async () => {
      const { person, prompt } = await promptWithPerson();
      await record(prompt.id, 5, 'private', person.id);
      clock.advance(1000);
      await record(prompt.id, 6, 'private', person.id);
      expect(await store.answers.stats()).toEqual({ pending: 2, refused: 0, delivered: 0, oldestPendingAt: new Date('2026-11-25T07:30:00Z') });
    });
  });

  it('a cron run is claimed by one instance until it expires', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((owner) => store.runs.claim('daily:2026-11-25T08:30', owner, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.runs.complete('daily:2026-11-25T08:30');
    clock.advance(120_000);
    expect(await store.runs.claim('daily:2026-11-25T08:30', 'd', 60_000)).toBe(false); // completed runs stay done
    expect(await store.runs.claim('other', 'd', 60_000)).toBe(true);
    clock.advance(61_000);
    expect(await store.runs.claim('other', 'e', 60_000)).toBe(true); // expired without completing: taken over
  });

  it('forgets handled requests older than a given time', async () => {
    expect(await store.once('slack:old', async () => undefined)).toBe(true);
    clock.advance(2 * 86_400_000);
    await store.forgetRequests(new Date(clock.now().getTime() - 86_400_000));
    expect(await store.once('slack:old', async () => undefined)).toBe(true);
  });

  it('keeps one digest channel per workspace: chosen again elsewhere it moves, "here off" elsewhere leaves it', async () => {
    const channel = (id: string) => ({
      platform: 'teams' as const,
      workspaceId: 'TENANT',
      channelId: id,
      reference: { conversation: { id } },
      locale: 'fr',
      setBy: 'teams:TENANT:boss',
    });
    await store.reportChannels.save(channel('19:a'));
    await store.reportChannels.save({ ...channel('19:other-tenant'), workspaceId: 'OTHER' });
    await store.reportChannels.save(channel('19:b'));
    expect((await store.reportChannels.all()).map((c) => [c.workspace_id, c.channel_id, c.reference])).toEqual([
      ['OTHER', '19:other-tenant', { conversation: { id: '19:other-tenant' } }],
      ['TENANT', '19:b', { conversation: { id: '19:b' } }],
    ]);
    expect(await store.reportChannels.remove('teams', 'TENANT', '19:a')).toBe(false);
    expect(await store.reportChannels.remove('teams', 'TENANT', '19:b')).toBe(true);
    expect((await store.reportChannels.all()).map((c) => c.channel_id)).toEqual(['19:other-tenant']);
  });

  it("reads a period's sent prompts and the trips that got an answer, for non-responders", async () => {
    const person = await store.people.see(alice);
    const prompt = (day: string) =>
      store.prompts.claim({ individuId: 7, day, personId: person.id, trips: { asked: [], alreadyPrivate: 0 }, worker: 'w', leaseMs: 1000 });
    const [monday, tuesday, wednesday] = [await prompt('2026-11-23'), await prompt('2026-11-24'), await prompt('2026-11-25')];
    for (const p of [monday, tuesday]) await store.prompts.markSent(p!.id, { platform: 'slack' });
    await store.answers.record({ promptId: monday!.id, tripIds: [1, 2], choice: 'private', answeredBy: person.id });
    await store.answers.record({ promptId: monday!.id, tripIds: [1], choice: 'professional', answeredBy: person.id });
    await store.answers.record({ promptId: wednesday!.id, tripIds: [9], choice: 'private', answeredBy: person.id });
    expect((await store.prompts.sentBetween('2026-11-23', '2026-11-25')).map((p) => p.day)).toEqual(['2026-11-23', '2026-11-24']);
    const answered = await store.answers.answeredBetween('2026-11-23', '2026-11-24');
    expect([...answered.entries()].map(([id, trips]) => [id, [...trips].sort()])).toEqual([[monday!.id, [1, 2]]]);
    await store.people.setRole(person.id, 'manager');
    expect((await store.people.managers()).map((p) => p.id)).toEqual([person.id]);
  });

  it('keeps an audit trail, newest first', async () => {
    await store.auditLog.add('slack:U_BOSS', 'link', 'slack:U_ALICE', { individuId: 42 });
    await store.auditLog.add('slack:U_ALICE', 'answer', 'trip:5');
    const trail = await store.auditLog.trail();
    expect(trail.map((e) => e.action)).toEqual(['answer', 'link']);
    expect(trail[1]?.details).toEqual({ individuId: 42 });
  });
});
