import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cron from 'node-cron';
import { ManualClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { cardsOf } from '../support/cards';
import { FakeSlack } from '../support/fake-slack';
import { freshSchema } from '../support/pg-schema';
import { addFleetToSlack, eventually, startTestService, type TestService } from '../support/service';
import { describeServerOnly } from '../support/stores';
import { sendToTeams, TEAM_CHANNEL, teamsChannelMessage, teamsInstall } from '../support/teams';

/*
 * The weekly digest: last week's report (table, chart, CSV) and its non-responders, by direct
 * message to every manager on each platform they use (Slack, Teams, the web chat), and to the
 * channels chosen for it (SLACK_REPORT_CHANNEL, a Teams channel where a manager wrote
 * `@bot privacy-report here`). Once per week and recipient, however many instances fire.
 */

/** Monday 30 November 2026, 09:00 in Paris. */
const MONDAY_NINE = '2026-11-30T08:00:00Z';
const REPORT_CHANNEL = 'C0REPORTS1';
const BOSS_TEAMS = { id: '29:boss', name: 'Claire Teams' };
const ANALYSIS = 'analyse/preformattedPrivacy';
const TITLE = 'Rapport hebdomadaire — 23/11/2026 – 29/11/2026';

it('the default WEEKLY_REPORT_CRON fires on Monday at 09:00 in the fleet\'s time zone, winter and summer, and "off" switches it off', () => {
  const config = loadConfig({});
  expect(config.weeklyReportCron).toBe('0 9 * * 1');
  const task = cron.createTask(config.weeklyReportCron!, () => undefined, { timezone: config.timezone });
  try {
    expect(task.match(new Date(MONDAY_NINE))).toBe(true);
    expect(task.match(new Date('2026-06-29T07:00:00Z'))).toBe(true);
    expect(task.match(new Date('2026-11-30T09:00:00Z'))).toBe(false);
    expect(task.match(new Date('2026-11-29T08:00:00Z'))).toBe(false);
  } finally {
    void task.destroy();
  }
  expect(loadConfig({ WEEKLY_REPORT_CRON: 'off' }).weeklyReportCron).toBeNull();
});

describeServerOnly()('the weekly digest with two instances on one PostgreSQL server', () => {
  it('is posted once on Monday at 09:00: to each manager on Slack, Teams and the web chat, to the Slack channel and to the Teams channel', async () => {
    const db = await freshSchema();
    const clock = new ManualClock('2026-11-28T07:30:00Z');
    const sim = new OceanSimulator({ clock });
    await sim.start();
    const slack = new FakeSlack();
    await slack.start();
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'digest-')));
    const options = (dataDir: string) => ({
      web: true,
      simulator: sim,
      fakeSlack: slack,
      databaseUrl: db.url,
      clock,
      config: { slackReportChannel: REPORT_CHANNEL, weeklyReportCron: '0 9 * * 1', dataDir },
    });
    const [a, b] = (await Promise.all(dirs.map((dir) => startTestService(options(dir))))) as [TestService, TestService];
    try {
      addFleetToSlack(a);
      const manager = sim.fleet.byIndex(0);
      a.connector.members.set(BOSS_TEAMS.id, { id: BOSS_TEAMS.id, name: BOSS_TEAMS.name, email: manager.email! });
      await sendToTeams(a.url, teamsInstall(a.connector.url, BOSS_TEAMS));
      await sendToTeams(a.url, teamsChannelMessage(a.connector.url, BOSS_TEAMS, 'privacy-report here'));
      const told = a.connector
        .sent()
        .filter((c) => c.conversationId?.startsWith(TEAM_CHANNEL))
        .pop();
      expect(JSON.stringify(cardsOf(told!.body))).toContain('chaque membre du canal verra');
      // Friday's prompts, left unanswered: the digest lists their drivers.
      await a.service.core.dailyRun.run('2026-11-27');
      a.connector.reset();
      slack.reset();

      clock.set(MONDAY_NINE);
      const analyses = sim.requestsTo(ANALYSIS).length;
      const [ra, rb] = await Promise.all([a.service.core.scheduler.weekly(clock.now()), b.service.core.scheduler.weekly(clock.now())]);
      expect(ra.period).toMatchObject({ first: '2026-11-23', last: '2026-11-29' });
      const recipients = [...ra.sent, ...rb.sent].sort();
      expect(recipients).toEqual(
        [
          `channel:slack:${REPORT_CHANNEL}`,
          `channel:teams:TENANT_FLEET:${TEAM_CHANNEL}`,
          'person:slack:T_FLEET:U_0',
          `person:teams:TENANT_FLEET:aad-${BOSS_TEAMS.id}`,
          `person:web:sandbox:${manager.email}`,
        ].sort(),
      );
      expect(ra.failed + rb.failed).toBe(0);

      // Slack: the manager's DM and the channel, each one report with its chart and CSV, and one list of non-responders.
      for (const channel of ['D_U_0', REPORT_CHANNEL]) {
        const posts = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
        expect(posts.map((c) => c.args.text)).toEqual([TITLE, 'Trajets sans réponse — 23/11/2026 – 29/11/2026']);
        expect(JSON.stringify(posts[1]!.args.blocks)).toContain('remind_unanswered');
        expect(slack.callsTo('files.completeUploadExternal').filter((c) => c.args.channel_id === channel)).toHaveLength(1);
      }
      // Teams: the manager's personal chat, and the channel itself (not the thread `here` was written in), with a link to the CSV.
      const personal = a.connector.sent().filter((c) => c.conversationId === `a:conv-${BOSS_TEAMS.id}`);
      const channel = a.connector.sent().filter((c) => c.conversationId === TEAM_CHANNEL);
      for (const sent of [personal, channel]) {
        expect(sent.map((c) => cardsOf(c.body)[0]!.body).map((body) => JSON.stringify(body).includes(TITLE))).toEqual([true, false]);
      }
      const link = (cardsOf(channel[0]!.body)[0] as { actions: { type: string; url: string }[] }).actions.find((x) => x.type === 'Action.OpenUrl')!;
      const csv = await fetch(`${a.url}${new URL(link.url).pathname}`);
      expect((await csv.text()).split('\r\n')[0]).toContain('Coût privé (€)');
      // The web chat: the manager's conversation, on whichever instance sent it.
      const web = [a, b].flatMap((x) => x.service.web!.conversation(manager.email!)).filter((m) => m.view?.title === TITLE);
      expect(web).toHaveLength(1);
      // The report is of last week, in the fleet's time zone; Ocean asked by each instance that sent something, at most.
      const asked = sim.requestsTo(ANALYSIS).slice(analyses);
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked.length).toBeLessThanOrEqual(2);
      for (const request of asked)
        expect((request.body as { periode: unknown }).periode).toEqual({ debut: '2026-11-22T23:00:00.000Z', fin: '2026-11-29T23:00:00.000Z' });

      // Fired again the same slot, and an hour later in the same week: nothing more.
      const posted = slack.callsTo('chat.postMessage').length;
      const sent = a.connector.sent().length;
      clock.set('2026-11-30T09:00:00Z');
      const again = await Promise.all([a.service.core.scheduler.weekly(new Date(MONDAY_NINE)), b.service.core.scheduler.weekly(clock.now())]);
      expect(again.flatMap((r) => r.sent)).toEqual([]);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
      expect(a.connector.sent()).toHaveLength(sent);
      expect((await a.service.core.store.auditLog.trail(200)).filter((e) => e.action === 'digest.sent')).toHaveLength(5);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await slack.stop();
      await sim.stop();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('fired by node-cron on both instances, again and again, it still reaches each manager once a week', async () => {
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
      config: { weeklyReportCron: '*/2 * * * * *', reminderCron: null, dailyPromptCron: '0 0 1 1 *' },
    };
    const [a, b] = await Promise.all([startTestService(options), startTestService(options)]);
    try {
      addFleetToSlack(a);
      const completed = async () =>
        (await a.service.core.store.db.selectFrom('cron_claims').selectAll().execute()).filter((r) => r.key.startsWith('weekly-report:') && r.completed_at)
          .length;
      await eventually(async () => (await completed()) >= 3, 40_000);
      const digests = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_0' && String(c.args.text).startsWith('Rapport hebdomadaire'));
      expect(digests).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await slack.stop();
      await sim.stop();
    }
  }, 90_000);
});
