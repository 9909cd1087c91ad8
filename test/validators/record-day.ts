import { DateTime } from 'luxon';
import { tripSlot } from '../../src/privacy/daily/suggestion-rule';
import { MANAGER_INDEX } from '../../src/sandbox/fleet';
import { recordAnswered } from '../../src/store/history';
import { teamsActivity } from '../support/fake-connector';
import { eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, eventBody, post, sign, slashBody, viewSubmissionBody } from '../support/slack-requests';

/*
 * A representative day of the real service, on Slack and on Teams at once, through the real
 * Bolt app and CloudAdapter against the recording fakes: the daily prompt, a click, a paged long
 * day, the overview, private hours and their forms, reports by driver and by vehicle with
 * hostile names, help and error messages, the year's benefit in kind, non-responders, the weekly
 * digest (direct messages and channels) and a click after the answer deadline. What the adapters
 * sent is returned for the platforms' own validators to judge.
 */

/** Strings a user or Ocean controls, each trying to be read as markup by a renderer. */
export const HOSTILE = {
  lastName: 'Martin <!channel> <@U_BOSS> [Vérifiez votre compte](https://evil.example) *gras* & `code`',
  model: 'Mégane <!here> **[lien](https://evil.example)**',
  description: '[Verify your account](https://evil.example) <!channel>',
  /** What Slack sends when someone types "@channel @Boss https://evil.example" (should_escape). */
  command: '<!channel> <@U_BOSS> <https://evil.example|cliquez ici>',
} as const;

export const PUBLIC_URL = 'https://bot.example.com';

const FORM = 'application/x-www-form-urlencoded';
const SLACK_DRIVER = 'U_DRV';
const SLACK_BOSS = 'U_BOSS';
const TEAMS_DRIVER = { id: '29:driver', name: 'Driver Teams' };
const TEAMS_BOSS = { id: '29:boss', name: 'Boss Teams' };

export interface SlackPayload {
  /** How it reached Slack: a Web API method, a response_url, or the HTTP answer to an interaction. */
  via: string;
  surface: 'message' | 'modal' | 'home';
  body: Record<string, unknown>;
}

export interface TeamsPayload {
  /** An activity sent or updated through the Bot Connector, or an invoke's HTTP answer. */
  via: 'sent' | 'updated' | 'invoke';
  body: Record<string, unknown>;
}

export interface Recording {
  slack: SlackPayload[];
  teams: TeamsPayload[];
  /** Everything the fake Slack and the fake connector received, for rules on whole requests. */
  t: TestService;
}

async function slash(t: TestService, user: string, command: string, text: string): Promise<void> {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command, text, user, responseUrl });
  await post(t.url, body, FORM, sign(body));
  const first = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)), 20_000);
  // A report's second answer (the table) comes after "preparing…"; a refusal or an error is the only answer.
  if (/Preparing the report|Préparation du rapport/.test(JSON.stringify(first.body)))
    await eventually(() => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).length >= 2, 20_000);
}

async function click(
  t: TestService,
  user: string,
  actionId: string,
  value: string,
  extra: Partial<Parameters<typeof blockActionsBody>[0]> = {},
): Promise<void> {
  const body = blockActionsBody({ user, actionId, value, responseUrl: t.slack.responseUrl(), ...extra });
  await post(t.url, body, FORM, sign(body));
}

async function submit(t: TestService, callbackId: string, state: string, values: Record<string, string>): Promise<SlackPayload> {
  const body = viewSubmissionBody({ user: SLACK_DRIVER, callbackId, state, values });
  const res = await post(t.url, body, FORM, sign(body));
  return { via: 'view_submission ack', surface: 'modal', body: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {} };
}

async function teams(t: TestService, user: { id: string; name: string }, fields: Record<string, unknown>, invokes: TeamsPayload[]): Promise<void> {
  const res = await fetch(`${t.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(teamsActivity(t.connector.url, user, fields)),
  });
  const text = await res.text();
  if (fields.type === 'invoke' && text) invokes.push({ via: 'invoke', body: JSON.parse(text) as Record<string, unknown> });
}

function invoke(data: Record<string, unknown>): Record<string, unknown> {
  return { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: String(data.actionId ?? data.formId), data } } };
}

/**
 * Three weeks of the same answers for trips like these (same towns, same time, same weekday), in
 * the driver's history: their prompt then suggests an answer for each, with the accept button.
 */
let seededTripId = 800_000;
async function seedSuggestions(
  t: TestService,
  individuId: number,
  trips: { fromTown: string | null; toTown: string | null; start: string | null }[],
): Promise<void> {
  for (const trip of trips) {
    for (const weeks of [1, 2, 3]) {
      const start = trip.start && DateTime.fromISO(trip.start).minus({ weeks }).toISO();
      const slot = tripSlot({ ...trip, start }, 'Europe/Paris');
      if (slot)
        await recordAnswered(
          t.service.core.store.db,
          individuId,
          { ...slot, tripId: (seededTripId += 1) },
          'private',
          new Date(slot.startAt.getTime() + 86_400_000),
        );
    }
  }
}

/** The value of the first trip's Professional button in what the bot sent. */
function answerValue(json: string | undefined): string {
  const found = /ans:\d+:0:professional/.exec(json ?? '');
  if (!found) throw new Error(`no trip button was sent in ${json?.slice(0, 300)}`);
  return found[0];
}

export async function recordRepresentativeDay(): Promise<Recording> {
  const t = await startTestService({ config: { publicUrl: PUBLIC_URL, slackReportChannel: 'C0REPORTS1' } });
  const fleet = t.sim.fleet;
  const driver = fleet.drivers.find((d) => d.vehicleId && d.email && d.index > 2)!;
  const teamsDriver = fleet.drivers.find((d) => d.vehicleId && d.email && d.index > driver.index)!;
  const manager = fleet.byIndex(MANAGER_INDEX);
  fleet.drivers.find((d) => d.vehicleId && d.index > teamsDriver.index)!.lastName = HOSTILE.lastName;
  const vehicle = fleet.vehicles.find((v) => v.id !== driver.vehicleId)!;
  vehicle.modele = HOSTILE.model;

  t.slack.addUser({ id: SLACK_DRIVER, team: 'T_FLEET', email: driver.email!, locale: 'fr-FR', name: 'Driver' });
  t.slack.addUser({ id: SLACK_BOSS, team: 'T_FLEET', email: manager.email!, locale: 'en-GB', name: 'Boss' });
  t.slack.addUser({ id: 'U_STRANGER', team: 'T_FLEET', email: 'stranger@elsewhere.example', locale: 'fr-FR', name: 'Stranger' });
  t.connector.members.set(TEAMS_DRIVER.id, { ...TEAMS_DRIVER, email: teamsDriver.email! });
  t.connector.members.set(TEAMS_BOSS.id, { ...TEAMS_BOSS, email: manager.email! });
  const invokes: TeamsPayload[] = [];
  const acks: SlackPayload[] = [];

  // Teams: installed by a driver and a manager (the greeting).
  for (const user of [TEAMS_DRIVER, TEAMS_BOSS]) await teams(t, user, { type: 'conversationUpdate', membersAdded: [{ id: user.id }] }, invokes);

  // Both drivers repeat yesterday's trips: their prompts carry suggestions and the accept button.
  for (const who of [driver, teamsDriver]) {
    const trips = fleet
      .trips(who.vehicleId!, TEST_DAY, 'Europe/Paris')
      .map((trip) => ({ fromTown: trip.from.town, toTown: trip.to.town, start: trip.start.toISO() }));
    await seedSuggestions(t, who.individuId, trips);
  }

  // The daily prompt, to Slack and to Teams.
  await slash(t, SLACK_DRIVER, '/privacy', '');
  await t.service.core.dailyRun.run(TEST_DAY);
  const slackPrompt = JSON.stringify(
    t.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === `D_${SLACK_DRIVER}`)
      .map((c) => c.args.blocks),
  );
  const teamsPrompt = JSON.stringify(
    t.connector
      .sent()
      .filter((c) => c.conversationId === `a:conv-${TEAMS_DRIVER.id}`)
      .map((c) => c.body),
  );

  // A click on each, delivered to Ocean, and the message redrawn.
  await click(t, SLACK_DRIVER, 'trip_answer:0', answerValue(slackPrompt));
  await teams(t, TEAMS_DRIVER, invoke({ actionId: 'trip_answer', value: answerValue(teamsPrompt) }), invokes);
  await eventually(() => t.slack.callsTo('chat.update').length > 0 && t.connector.updated().length > 0, 15_000);

  // A 45-trip day, paged.
  for (const [platform, chatUserId] of [
    ['slack', SLACK_DRIVER],
    ['teams', `aad-${TEAMS_DRIVER.id}`],
  ] as const) {
    const person = await t.service.core.store.people.find({ platform, workspaceId: platform === 'slack' ? 'T_FLEET' : 'TENANT_FLEET', chatUserId });
    const who = platform === 'slack' ? driver : teamsDriver;
    const car = fleet.vehicle(who.vehicleId!)!;
    const asked = Array.from({ length: 45 }, (_, i) => ({
      id: 70_000 + i,
      vehicleId: car.id,
      numeroEmbarque: car.numeroEmbarque,
      start: new Date(Date.UTC(2026, 10, 20, 5, i)).toISOString(),
      end: new Date(Date.UTC(2026, 10, 20, 5, i + 1)).toISOString(),
      fromTown: 'Villeurbanne',
      toTown: 'Lyon',
      distanceMeter: 1000,
      durationSec: 60,
    }));
    await seedSuggestions(t, who.individuId, asked.slice(0, 1));
    const prompt = await t.service.core.store.prompts.claim({
      individuId: who.individuId,
      day: '2026-11-20',
      personId: person!.id,
      trips: { asked, alreadyPrivate: 0 },
      worker: 'test',
      leaseMs: 1,
    });
    // A page shown, then its suggestions accepted (the other pages stay open, the day unanswered).
    if (platform === 'slack') {
      await click(t, SLACK_DRIVER, 'prompt_page:0', `pg:${prompt!.id}:1`);
      await eventually(() => t.slack.callsTo('chat.update').some((c) => JSON.stringify(c.args.blocks).includes('Page 2/3')));
      await click(t, SLACK_DRIVER, 'accept_suggestions:0', `sug:${prompt!.id}:1`);
    } else {
      await teams(t, TEAMS_DRIVER, invoke({ actionId: 'prompt_page', value: `pg:${prompt!.id}:2` }), invokes);
      await teams(t, TEAMS_DRIVER, invoke({ actionId: 'accept_suggestions', value: `sug:${prompt!.id}:2` }), invokes);
    }
  }
  await eventually(() => t.slack.callsTo('chat.update').length > 1);

  // Overview, private hours, their forms (invalid, then valid), an exceptional period.
  const slackPerson = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: SLACK_DRIVER });
  const teamsPerson = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${TEAMS_DRIVER.id}` });
  await slash(t, SLACK_DRIVER, '/privacy', 'schedule');
  await click(t, SLACK_DRIVER, 'schedule_edit:0', `sch:${slackPerson!.id}`);
  await eventually(() => t.slack.callsTo('views.open').length > 0);
  acks.push(await submit(t, 'schedule_form', `sch:${slackPerson!.id}`, { LUNDI: '25:00-26:00' }));
  acks.push(
    await submit(t, 'schedule_form', `sch:${slackPerson!.id}`, {
      LUNDI: '18:00-23:59',
      MARDI: '',
      MERCREDI: '',
      JEUDI: '',
      VENDREDI: '',
      SAMEDI: '',
      DIMANCHE: '',
    }),
  );
  await click(t, SLACK_DRIVER, 'period_add:0', `sch:${slackPerson!.id}`);
  acks.push(await submit(t, 'period_form', `sch:${slackPerson!.id}`, { description: HOSTILE.description, from: '10/12/2026', to: '12/12/2026' }));
  await eventually(() => t.slack.callsTo('views.update').length >= 2, 15_000);
  await slash(t, SLACK_DRIVER, '/privacy', 'schedule');
  await teams(t, TEAMS_DRIVER, { type: 'message', text: 'privacy' }, invokes);
  await teams(t, TEAMS_DRIVER, { type: 'message', text: 'privacy schedule' }, invokes);
  await teams(t, TEAMS_DRIVER, invoke({ actionId: 'schedule_edit', value: `sch:${teamsPerson!.id}` }), invokes);
  await teams(t, TEAMS_DRIVER, invoke({ formId: 'schedule_form', state: `sch:${teamsPerson!.id}`, LUNDI: '25:00-26:00' }), invokes);
  await teams(
    t,
    TEAMS_DRIVER,
    invoke({
      formId: 'schedule_form',
      state: `sch:${teamsPerson!.id}`,
      LUNDI: '18:00-23:59',
      MARDI: '',
      MERCREDI: '',
      JEUDI: '',
      VENDREDI: '',
      SAMEDI: '',
      DIMANCHE: '',
    }),
    invokes,
  );
  await teams(t, TEAMS_DRIVER, invoke({ actionId: 'period_add', value: `sch:${teamsPerson!.id}` }), invokes);
  await teams(
    t,
    TEAMS_DRIVER,
    invoke({ formId: 'period_form', state: `sch:${teamsPerson!.id}`, description: HOSTILE.description, from: '14/12/2026', to: '15/12/2026' }),
    invokes,
  );
  await teams(t, TEAMS_DRIVER, { type: 'message', text: 'privacy schedule' }, invokes);

  // The App Home tab.
  const home = eventBody({ type: 'app_home_opened', user: SLACK_DRIVER, tab: 'home', channel: `D_${SLACK_DRIVER}` });
  await post(t.url, home, 'application/json', sign(home));

  // Reports by driver and by vehicle, help, and error messages.
  for (const text of ['last-month by driver', 'last-month by vehicle', '2026-13']) await slash(t, SLACK_BOSS, '/privacy-report', text);
  for (const text of ['help', 'bogus words here', HOSTILE.command]) await slash(t, SLACK_DRIVER, '/privacy', text);
  await slash(t, SLACK_DRIVER, '/privacy-report', '');
  await slash(t, 'U_STRANGER', '/privacy', '');
  for (const text of ['privacy-report last-month', 'privacy-report last-month by vehicle', 'privacy-report 2026-13', 'help'])
    await teams(t, TEAMS_BOSS, { type: 'message', text }, invokes);
  for (const text of ['bogus words here', 'privacy-report', `privacy ${HOSTILE.description}`]) await teams(t, TEAMS_DRIVER, { type: 'message', text }, invokes);
  await eventually(() => t.slack.callsTo('views.publish').length > 0);

  // The managers' year by vehicle, who has not answered (and the reminder button), the digest's
  // Teams channel, and the weekly digest itself to both managers and both channels.
  for (const text of ['2026 by vehicle', 'unanswered']) await slash(t, SLACK_BOSS, '/privacy-report', text);
  for (const text of ['privacy-report 2026 by vehicle', 'privacy-report unanswered']) await teams(t, TEAMS_BOSS, { type: 'message', text }, invokes);
  await click(t, SLACK_BOSS, 'remind_unanswered:0', `rmd:${TEST_DAY}:${TEST_DAY}`);
  const channel = '19:reports@thread.tacv2';
  await teams(
    t,
    TEAMS_BOSS,
    {
      type: 'message',
      text: 'privacy-report here',
      conversation: { id: `${channel};messageid=1`, conversationType: 'channel', tenantId: 'TENANT_FLEET' },
      channelData: { tenant: { id: 'TENANT_FLEET' }, channel: { id: channel } },
    },
    invokes,
  );
  await t.service.core.digest.run(t.clock.now());

  // A week later the day is closed: a click is refused and the prompt drawn without buttons.
  t.clock.advance(8 * 86_400_000);
  const updates = t.slack.callsTo('chat.update').length;
  await click(t, SLACK_DRIVER, 'trip_answer:0', answerValue(slackPrompt));
  await teams(t, TEAMS_DRIVER, invoke({ actionId: 'trip_answer', value: answerValue(teamsPrompt) }), invokes);
  await eventually(() => t.slack.callsTo('chat.update').length > updates);
  await t.service.core.outbox.drain();

  const slack: SlackPayload[] = [
    ...t.slack.calls
      .filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method))
      .map((c) => ({ via: c.method, surface: 'message' as const, body: c.args })),
    ...t.slack.responses.map((r) => ({ via: 'response_url', surface: 'message' as const, body: r.body })),
    ...t.slack.calls
      .filter((c) => ['views.open', 'views.update'].includes(c.method))
      .map((c) => ({ via: c.method, surface: 'modal' as const, body: c.args.view as Record<string, unknown> })),
    ...t.slack.calls
      .filter((c) => c.method === 'views.publish')
      .map((c) => ({ via: c.method, surface: 'home' as const, body: c.args.view as Record<string, unknown> })),
    ...acks.filter((a) => a.body.view).map((a) => ({ ...a, body: a.body.view as Record<string, unknown> })),
  ];
  const recorded: TeamsPayload[] = [
    ...t.connector.sent().map((c) => ({ via: 'sent' as const, body: c.body })),
    ...t.connector.updated().map((c) => ({ via: 'updated' as const, body: c.body })),
    ...invokes,
  ];
  return { slack, teams: recorded, t };
}
