import { loadConfig } from '../../src/config';
import { FakeSlack } from '../support/fake-slack';
import { FakeSocketMode } from '../support/fake-socket-mode';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';

/*
 * Slack in Socket Mode: no public URL and no signing secret; Slack's requests come over the
 * app's own WebSocket as envelopes, each acknowledged on it. A fake Socket Mode end on 127.0.0.1
 * sends the envelopes; the fake Web API records the answers.
 */

let t: TestService;
let socket: FakeSocketMode;
let slack: FakeSlack;

beforeAll(async () => {
  socket = new FakeSocketMode();
  await socket.start();
  slack = new FakeSlack();
  await slack.start();
  slack.socketUrl = socket.url;
  t = await startTestService({
    teams: false,
    fakeSlack: slack,
    config: { slack: { botToken: 'xoxb-test-token', signingSecret: undefined, appToken: 'xapp-1-A_PRIVACY-test', apiUrl: slack.apiUrl } },
  });
  addFleetToSlack(t);
});
afterAll(async () => {
  await t.stop();
  await slack.stop();
  await socket.stop();
});

it('starts with an app-level token and no signing secret', () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
  expect(config.slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1', signingSecret: undefined });
  expect(socket.connected).toBe(true);
  expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
});

it('a slash command is acknowledged on the socket and answered with its content through response_url', async () => {
  const responseUrl = slack.responseUrl();
  const ack = await socket.send('slash_commands', {
    team_id: 'T_FLEET',
    user_id: 'U_11',
    command: '/privacy',
    text: 'help',
    response_url: responseUrl,
    trigger_id: 'sm-1',
    channel_id: 'D_U_11',
    api_app_id: 'A_PRIVACY',
  });
  expect(ack.payload ?? {}).toEqual({});
  const answer = await eventually(() => slack.responses.find((r) => responseUrl.endsWith(r.id)));
  expect(JSON.stringify(answer.body)).toMatch(/Vie privée — aide|Privacy — help/);
});

it('a click is acknowledged on the socket after its answer is stored, and the message is updated', async () => {
  await t.service.core.dailyRun.run(TEST_DAY);
  const dm = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D_U_11');
  const button = ((dm?.args.blocks ?? []) as { elements?: { action_id: string; value: string }[] }[])
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.value?.endsWith(':0:private'))!;
  const promptId = Number(button.value.split(':')[1]);
  const payload = {
    type: 'block_actions',
    user: { id: 'U_11', team_id: 'T_FLEET' },
    team: { id: 'T_FLEET' },
    api_app_id: 'A_PRIVACY',
    trigger_id: 'sm-2',
    response_url: slack.responseUrl(),
    container: { type: 'message', channel_id: 'D_U_11', message_ts: String(dm?.args.ts ?? '1.1'), is_ephemeral: false },
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1.2' }],
  };
  await socket.send('interactive', payload);
  expect((await t.service.core.store.answers.latest(promptId)).map((a) => a.choice)).toEqual(['private']);
  await eventually(() => slack.callsTo('chat.update').some((c) => c.args.channel === 'D_U_11' && JSON.stringify(c.args.blocks).includes('Privé')));
  // The same envelope again (Slack redelivers one it saw no acknowledgement for): acknowledged, nothing more stored.
  await socket.send('interactive', payload);
  expect(await t.service.core.store.answers.latest(promptId)).toHaveLength(1);
});

it('a modal submission with invalid hours gets its field errors in the acknowledgement', async () => {
  const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_11' });
  const values = { LUNDI: { value: { type: 'plain_text_input', value: '18:00-08:00' } } };
  const ack = await socket.send('interactive', {
    type: 'view_submission',
    user: { id: 'U_11', team_id: 'T_FLEET' },
    team: { id: 'T_FLEET' },
    api_app_id: 'A_PRIVACY',
    trigger_id: 'sm-3',
    view: {
      id: 'V_1',
      type: 'modal',
      callback_id: 'schedule_form',
      private_metadata: `sch:${person!.id}`,
      title: { type: 'plain_text', text: 'Horaires' },
      state: { values },
    },
  });
  expect(ack.payload).toMatchObject({ response_action: 'errors', errors: { LUNDI: expect.stringContaining('le début doit précéder la fin') } });
});
