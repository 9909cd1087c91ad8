import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Service } from '../../adapters/service';
import { loadConfig } from '../../src/config';
import { boot } from '../../src/main';
import { clicked, typed, user } from '../support/chat';
import { teamsActivity } from '../support/fake-connector';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { copyTemplateInto } from '../support/test-store';
import { plain, plainJson } from '../support/text';
import { settled } from '../support/wait';

/*
 * Trust boundaries, each tried as an attacker or an unlucky operator would: a user of another
 * Microsoft tenant, forged Bot Framework tokens, a manager taking over a driver's prompts, a
 * web chat reached from outside this machine, a person to forget.
 */

const BOSS = { id: '29:boss', name: 'Boss' };
const CAMILLE = { id: '29:camille', name: 'Camille' };

function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

describe("Teams: only the fleet's tenants are served", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false });
    t.connector.members.set(BOSS.id, { id: BOSS.id, name: BOSS.name, email: t.sim.fleet.byIndex(0).email! });
  });
  afterAll(() => t.stop());

  const send = (activity: Record<string, unknown>) =>
    fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

  it("someone of another tenant with the manager's e-mail runs no turn, gets no reply, and is logged as refused", async () => {
    const before = t.sim.requests.length;
    const foreign = {
      ...teamsActivity(t.connector.url, BOSS, { type: 'message', text: 'privacy-report last-month' }),
      conversation: { id: 'a:conv-evil', conversationType: 'personal', tenantId: 'TENANT_EVIL' },
      channelData: { tenant: { id: 'TENANT_EVIL' } },
    };
    const res = await send(foreign);
    expect(res.status).toBeLessThan(500);
    await settled(t.service);
    expect(t.connector.calls).toEqual([]);
    expect(t.sim.requests.slice(before)).toEqual([]);
    expect(await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_EVIL', chatUserId: `aad-${BOSS.id}` })).toBeUndefined();
    expect(t.logs.some((l) => l.includes('tenant that is not the fleet') && l.includes('TENANT_EVIL'))).toBe(true);
    // The same person in the fleet's tenant is served.
    await send(teamsActivity(t.connector.url, BOSS, { type: 'message', text: 'help' }));
    expect(t.connector.sent().length).toBeGreaterThan(0);
  });

  it('a person stored under their Teams id keeps their link and conversation when Teams gives their AAD id', async () => {
    const driver = t.sim.fleet.byIndex(15);
    const old = await t.service.core.store.people.see({
      platform: 'teams',
      workspaceId: 'TENANT_FLEET',
      chatUserId: CAMILLE.id,
      email: 'camille.private@elsewhere.example',
    });
    await t.service.core.store.people.link(old.id, driver.individuId, 'manual');
    await t.service.core.store.conversations.save(old.id, { conversation: { id: 'a:old' } });
    t.connector.members.set(CAMILLE.id, { id: CAMILLE.id, name: CAMILLE.name, email: 'camille.private@elsewhere.example' });
    await send(teamsActivity(t.connector.url, CAMILLE, { type: 'message', text: 'help' }));
    const moved = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${CAMILLE.id}` });
    expect(moved?.id).toBe(old.id);
    expect(moved?.individu_id).toBe(driver.individuId);
    expect(await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: CAMILLE.id })).toBeUndefined();
  });
});

describe('Teams with an app id: forged tokens', () => {
  it("alg:none and HS256 tokens get 401 with no detail, and the refusal names the caller's address", async () => {
    const t = await startTestService({ slack: false, teams: { appId: '00000000-0000-0000-0000-000000000001', password: 'secret' } });
    try {
      const claims = {
        iss: 'https://api.botframework.com',
        aud: '00000000-0000-0000-0000-000000000001',
        exp: Math.floor(Date.now() / 1000) + 3600,
        serviceurl: t.connector.url,
      };
      const forged = [jwt({ alg: 'none', typ: 'JWT' }, claims), jwt({ alg: 'HS256', typ: 'JWT', kid: 'x' }, claims, 'c2lnbmF0dXJl')];
      for (const token of forged) {
        const res = await fetch(`${t.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(teamsActivity(t.connector.url, BOSS, { type: 'message', text: 'help' })),
        });
        expect(res.status).toBe(401);
        expect(await res.text()).toBe('');
      }
      expect(t.connector.calls).toEqual([]);
      expect(t.logs.some((l) => l.includes('without a valid Bot Framework token') && /"client":"(::ffff:)?127\.0\.0\.1"/.test(l))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('who may link whom', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
    addFleetToSlack(t);
  });
  afterAll(() => t.stop());

  const slackUser = (id: string) => user(id, {}, 'slack', 'T_FLEET');
  /** A Slack user whose platform answers users.info for anyone of the workspace (as Slack does). */
  const profiles = (id: string) => ({
    ...slackUser(id),
    profile: async (asked: string) => {
      const u = t.slack.users.get(asked);
      return u && { chatUserId: asked, email: u.email, displayName: u.name };
    },
  });

  it('nobody links themselves, not even a manager', async () => {
    const camille = t.sim.fleet.byIndex(2);
    const [answer] = await typed(t, profiles('U_0'), `privacy link <@U_0> ${camille.email!}`);
    expect(answer!.summary).toContain('vous relier vous-même');
    expect((await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_0' }))?.individu_id).not.toBe(
      camille.individuId,
    );
  });

  it("while Slack cannot say who owns the driver's e-mail, the link is refused with a try-again message and nothing is linked", async () => {
    t.slack.addUser({ id: 'U_THIRD', team: 'T_FLEET', email: 'third@elsewhere.example', name: 'Third' });
    const driver = t.sim.fleet.byIndex(4);
    t.slack.failing.set('users.lookupByEmail', 'internal_error');
    try {
      const [answer] = await typed(t, profiles('U_0'), `privacy link <@U_THIRD> ${driver.email!}`);
      expect(answer!.summary).toContain('Réessayez');
      expect(answer!.summary).toContain(driver.email!);
      expect(t.slack.callsTo('users.lookupByEmail:internal_error').length).toBeGreaterThan(0);
    } finally {
      t.slack.failing.delete('users.lookupByEmail');
    }
    const third = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_THIRD' });
    expect(third?.individu_id ?? null).toBeNull();
    // Once Slack answers again, the driver's own account is found and the link refused for good.
    const [again] = await typed(t, profiles('U_0'), `privacy link <@U_THIRD> ${driver.email!}`);
    expect(again!.summary).toContain('appartient déjà');
  });

  it('a driver whose e-mail is a user of the platform cannot be linked to someone else, so their prompts stay theirs', async () => {
    t.slack.addUser({ id: 'U_OTHER', team: 'T_FLEET', email: 'other@elsewhere.example', name: 'Other' });
    const camille = t.sim.fleet.byIndex(2);
    const [answer] = await typed(t, profiles('U_0'), `privacy link <@U_OTHER> ${camille.email!}`);
    expect(answer!.summary).toContain('appartient déjà');
    const other = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_OTHER' });
    expect(other?.individu_id ?? null).toBeNull();
    await t.service.core.dailyRun.run(TEST_DAY);
    const toCamille = t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_2');
    const toOther = t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_OTHER');
    expect(toOther).toEqual([]);
    expect(toCamille.length).toBeGreaterThan(0);
  });

  it('a link or unlink by a manager is told to the person, by direct message, and audited', async () => {
    t.slack.addUser({ id: 'U_NEW', team: 'T_FLEET', email: 'j.private@elsewhere.example', name: 'Julien' });
    const julien = t.sim.fleet.byIndex(7); // no e-mail in Ocean
    const before = t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_NEW').length;
    const [linked] = await typed(t, profiles('U_0'), `privacy link <@U_NEW> ${julien.individuId}`);
    expect(plain(linked!.summary)).toContain('Lien fait : Julien reçoit désormais les trajets de la fiche Ocean');
    const told = await eventually(
      () =>
        t.slack
          .callsTo('chat.postMessage')
          .filter((c) => c.args.channel === 'D_U_NEW')
          .slice(before)[0],
    );
    expect(plain(String(told.args.text))).toContain('a relié votre compte à la fiche Ocean');
    await typed(t, profiles('U_0'), 'privacy unlink <@U_NEW>');
    await eventually(() => t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_NEW').length === before + 2);
    const trail = await t.service.core.store.auditLog.trail(10);
    expect(trail.slice(0, 2).map((e) => [e.action, e.actor, e.subject])).toEqual([
      ['unlink', 'slack:T_FLEET:U_0', 'slack:T_FLEET:U_NEW'],
      ['link', 'slack:T_FLEET:U_0', 'slack:T_FLEET:U_NEW'],
    ]);
  });
});

describe('forgetting a person, and forgetting with time', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
    addFleetToSlack(t);
    await t.service.core.dailyRun.run(TEST_DAY);
  });
  afterAll(() => t.stop());

  it("a manager's forget delivers or cancels the pending answers, erases the rest, and the driver is not prompted until they write", async () => {
    const driver = t.sim.fleet.byIndex(11);
    const prompt = (await t.service.core.store.prompts.forDay(TEST_DAY)).find((p) => p.individu_id === driver.individuId)!;
    t.sim.setFaults({ failNext: { status: 503, count: 1000 }, only: 'vieprivee/v1/etapeViePriveePosteriori' });
    await t.service.core.store.answers.record({
      promptId: prompt.id,
      tripIds: [(prompt.trips as { asked: { id: number }[] }).asked[0]!.id],
      choice: 'private',
      answeredBy: prompt.person_id!,
      history: { individuId: driver.individuId, trips: t.service.core.suggestions.answered(prompt) },
    });
    expect(await t.service.core.store.history.of(driver.individuId)).toHaveLength(1);
    const boss = { ...user('U_0', {}, 'slack', 'T_FLEET'), profile: async () => ({ chatUserId: 'U_0', email: t.sim.fleet.byIndex(0).email }) };
    // First a confirmation naming the person and what goes: nothing is erased yet.
    const [confirm] = await typed(t, boss, 'privacy forget <@U_11>');
    expect(plain(confirm!.title!)).toBe(`Effacer ${driver.firstName} ${driver.lastName} du bot ?`);
    expect(plainJson(confirm)).toContain('1 message quotidien et ses réponses (1 réponse) seront effacés.');
    expect(plainJson(confirm)).toContain('1 journée attend encore une réponse');
    expect(await t.service.core.store.prompts.of(driver.individuId, TEST_DAY)).toBeDefined();
    const buttons = confirm!.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : []));
    expect(buttons.map((b) => b.label)).toEqual([`Oui, effacer ${driver.firstName} ${driver.lastName}`, 'Non, ne rien effacer']);
    expect(plain((await clicked(t, boss, 'forget_cancel', buttons[1]!.value)).update!.summary)).toBe('Rien n’a été effacé.');
    expect(await t.service.core.store.prompts.of(driver.individuId, TEST_DAY)).toBeDefined();
    // A driver cannot confirm it.
    const driverUser = { ...user('U_11', {}, 'slack', 'T_FLEET'), profile: async () => ({ chatUserId: 'U_11', email: driver.email }) };
    expect((await clicked(t, driverUser, 'forget_confirm', buttons[0]!.value)).reply?.summary).toContain('réservée aux gestionnaires');
    const updates = t.slack.callsTo('chat.update').length;
    const answer = (await clicked(t, boss, 'forget_confirm', buttons[0]!.value)).update;
    t.sim.faults.reset();
    expect(plain(answer!.summary)).toMatch(
      /oublié .*1 message quotidien et ses réponses effacés ; 0 réponse en attente envoyée à Ocean, 1 annulée ; 1 message encore ouvert fermé/,
    );
    // The daily message still showing buttons is drawn closed, saying why.
    const closed = t.slack
      .callsTo('chat.update')
      .slice(updates)
      .filter((c) => c.args.channel === 'D_U_11')
      .pop();
    expect(plainJson(closed?.args.blocks)).toContain('votre gestionnaire de flotte a demandé au bot d’effacer vos données');
    expect(JSON.stringify(closed?.args.blocks)).not.toContain('trip_answer');
    expect(await t.service.core.store.prompts.of(driver.individuId, TEST_DAY)).toBeUndefined();
    // The trips they answered, kept for their suggestions, go with them.
    expect(await t.service.core.store.history.of(driver.individuId)).toEqual([]);
    expect(await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_11' })).toBeUndefined();
    const trail = await t.service.core.store.auditLog.trail(50);
    expect(trail[0]).toMatchObject({ action: 'forget', subject: `individu:${driver.individuId}` });
    expect(JSON.stringify(trail)).not.toContain('U_11');
    // The next day's run leaves them alone (Slack would find them by e-mail otherwise)…
    const looked = t.slack.callsTo('users.lookupByEmail').length;
    await t.service.core.dailyRun.run('2026-11-23');
    expect(
      t.slack
        .callsTo('users.lookupByEmail')
        .slice(looked)
        .map((c) => c.args.email),
    ).not.toContain(driver.email);
    // …until they write to the bot.
    await typed(t, { ...user('U_11', {}, 'slack', 'T_FLEET'), profile: async () => ({ chatUserId: 'U_11', email: driver.email }) }, 'privacy help');
    expect(await t.service.core.store.erasure.forgotten([driver.individuId])).toEqual(new Set());
  });

  it('the nightly purge removes prompts, answers and audit entries older than RETENTION_DAYS, and keeps undelivered answers', async () => {
    const prompts = await t.service.core.store.prompts.forDay(TEST_DAY);
    expect(prompts.length).toBeGreaterThan(1);
    // One answer still waits for Ocean: its prompt stays until it is delivered.
    const waiting = prompts[0]!;
    await t.service.core.store.answers.record({
      promptId: waiting.id,
      tripIds: [(waiting.trips as { asked: { id: number }[] }).asked[0]!.id],
      choice: 'private',
      answeredBy: waiting.person_id!,
      history: { individuId: waiting.individu_id, trips: t.service.core.suggestions.answered(waiting) },
    });
    expect(await t.service.core.store.history.of(waiting.individu_id)).toHaveLength(1);
    t.clock.set('2027-12-31T02:20:00Z'); // more than 400 days later
    const purged = await t.service.core.retention.purge();
    expect(purged.prompts).toBeGreaterThanOrEqual(prompts.length - 1);
    expect((await t.service.core.store.prompts.forDay(TEST_DAY)).map((p) => p.id)).toEqual([waiting.id]);
    expect(await t.service.core.store.auditLog.trail(1000)).toEqual([]);
    // The history suggestions learn from (towns and times) goes with its prompts.
    expect(await t.service.core.store.history.of(waiting.individu_id)).toEqual([]);
  });
});

describe('"accept suggestions" trusts the store, not the button', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
    addFleetToSlack(t);
    await t.service.core.dailyRun.run(TEST_DAY);
  });
  afterAll(() => t.stop());

  const slackUser = (index: number) => ({
    ...user(`U_${index}`, {}, 'slack', 'T_FLEET'),
    profile: async () => ({ chatUserId: `U_${index}`, email: t.sim.fleet.byIndex(index).email }),
  });

  it("a forged payload answers nothing: another driver's prompt, a page that does not exist, a made-up action value", async () => {
    const store = t.service.core.store;
    const [nine, eleven] = [9, 11].map((i) => t.sim.fleet.byIndex(i));
    const theirs = (await store.prompts.of(eleven!.individuId, TEST_DAY))!;
    const mine = (await store.prompts.of(nine!.individuId, TEST_DAY))!;
    // Driver 11 has suggestions for their whole day; driver 9 tries to accept them.
    const trips = t.service.core.suggestions.answered(theirs);
    for (const weeks of [1, 2, 3]) {
      for (const trip of trips.values()) {
        await store.db
          .insertInto('answered_trips')
          .values({
            individu_id: eleven!.individuId,
            trip_id: trip.tripId * 10 + weeks,
            from_town: trip.fromTown,
            to_town: trip.toTown,
            start_at: new Date(trip.startAt.getTime() - weeks * 7 * 86_400_000),
            weekend: trip.weekend,
            start_minute: trip.startMinute,
            choice: 'private',
            answered_at: trip.startAt,
          })
          .execute();
      }
    }
    expect((await t.service.core.suggestions.forPrompt(theirs, [])).size).toBe(trips.size);
    const stolen = await clicked(t, slackUser(9), 'accept_suggestions', `sug:${theirs.id}:0`);
    expect(stolen.reply?.summary).toContain("d'une autre personne");
    for (const value of [`sug:${mine.id}:7`, `sug:${mine.id}:0:private`, `ans:${theirs.id}:0:private`.replace('ans', 'sug')]) {
      const outcome = await clicked(t, slackUser(9), 'accept_suggestions', value);
      expect(outcome.reply?.summary).toMatch(/plus valable|rien n’a changé/);
    }
    expect(await store.answers.latest(theirs.id)).toEqual([]);
    expect(await store.answers.latest(mine.id)).toEqual([]);
    expect((await store.auditLog.trail(10)).some((e) => e.action === 'answer.refused' && e.subject === `prompt:${theirs.id}`)).toBe(true);
  });
});

describe('the sandbox web chat answers this machine only', () => {
  let service: Service;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-web-'));
    // Listening on every interface, as HOST=0.0.0.0 would.
    service = await startSandbox(dataDir);
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a page that rebinds its own name to 127.0.0.1 (any Host but a loopback one)', async () => {
    const port = new URL(service.url).port;
    expect(await statusWithHost(`http://127.0.0.1:${port}/web/api/people`, `evil.example:${port}`)).toBe(403);
    expect(await statusWithHost(`http://127.0.0.1:${port}/`, `evil.example:${port}`)).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/web/api/people`)).status).toBe(200);
    expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
  });

  it('refuses a client on another address of this machine, whatever HOST says', async () => {
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!other) return console.warn('no non-loopback address on this machine: the outside-client case is not exercised');
    const port = new URL(service.url).port;
    expect(await statusWithHost(`http://${other.address}:${port}/web/api/people`, `127.0.0.1:${port}`)).toBe(403);
    expect(await statusWithHost(`http://${other.address}:${port}/`, `127.0.0.1:${port}`)).toBe(403);
  });
});

/** A GET with a Host header of our choosing (fetch will not set one). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

async function startSandbox(dataDir: string): Promise<Service> {
  await copyTemplateInto(dataDir);
  return boot(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), { HOST: '0.0.0.0' });
}
