import { createHmac, randomUUID } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SentRequest {
  status: number;
  text: string;
}

export async function post(url: string, body: string, contentType: string, headers: Record<string, string>): Promise<SentRequest> {
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  return { status: res.status, text: await res.text() };
}

/** Every request Slack sends has a trigger_id of its own (a replay repeats it): unique unless given. */
export function slashBody(fields: { command: string; text: string; user: string; team?: string; responseUrl: string; triggerId?: string }): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: fields.team ?? 'T_FLEET',
    team_domain: 'fleet',
    channel_id: `D_${fields.user}`,
    channel_name: 'directmessage',
    user_id: fields.user,
    user_name: fields.user.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: 'A_PRIVACY',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `${randomUUID()}`,
  }).toString();
}

export function blockActionsBody(fields: {
  user: string;
  team?: string;
  actionId: string;
  value: string;
  responseUrl: string;
  channel?: string;
  ts?: string;
  ephemeral?: boolean;
  container?: Record<string, unknown>;
  triggerId?: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: fields.user, team_id: fields.team ?? 'T_FLEET' },
    team: { id: fields.team ?? 'T_FLEET' },
    api_app_id: 'A_PRIVACY',
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
    response_url: fields.responseUrl,
    container: fields.container ?? {
      type: 'message',
      channel_id: fields.channel ?? `D_${fields.user}`,
      message_ts: fields.ts ?? '1700000001.000100',
      is_ephemeral: Boolean(fields.ephemeral),
    },
    channel: { id: fields.channel ?? `D_${fields.user}` },
    message: { ts: fields.ts ?? '1700000001.000100' },
    actions: [{ type: 'button', action_id: fields.actionId, block_id: 'b1', value: fields.value, action_ts: '1700000002.0' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function viewSubmissionBody(fields: {
  user: string;
  callbackId: string;
  state: string;
  values: Record<string, string>;
  viewId?: string;
  triggerId?: string;
}): string {
  const values = Object.fromEntries(Object.entries(fields.values).map(([k, v]) => [k, { value: { type: 'plain_text_input', value: v } }]));
  const payload = {
    type: 'view_submission',
    user: { id: fields.user, team_id: 'T_FLEET' },
    team: { id: 'T_FLEET' },
    api_app_id: 'A_PRIVACY',
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
    view: {
      id: fields.viewId ?? 'V_MODAL',
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.state,
      title: { type: 'plain_text', text: 'Form' },
      state: { values },
    },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function eventBody(event: Record<string, unknown>, team = 'T_FLEET'): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: team,
    api_app_id: 'A_PRIVACY',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.random()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}
