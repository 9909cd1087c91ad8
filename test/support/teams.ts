import { teamsActivity } from './fake-connector';

/** A Teams user of the tests: their channel id and name (Teams gives an AAD id `aad-<id>`, see teamsActivity). */
export interface TeamsUser {
  id: string;
  name: string;
}

/** Posts an activity to the service's /api/messages, as the Teams channel would; the answer's status and body. */
export async function sendToTeams(url: string, activity: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  } catch {
    return { status: res.status, body: { text } };
  }
}

/** A message in the user's personal chat. */
export function teamsMessage(connectorUrl: string, user: TeamsUser, text: string): Record<string, unknown> {
  return teamsActivity(connectorUrl, user, { type: 'message', text });
}

/** A click on a card's Action.Execute button. */
export function teamsInvoke(
  connectorUrl: string,
  user: TeamsUser,
  data: Record<string, unknown>,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return teamsActivity(connectorUrl, user, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: String(data.actionId ?? data.formId), data } },
    ...fields,
  });
}

/** The bot being installed in the user's personal scope: the conversation is kept for proactive messages. */
export function teamsInstall(connectorUrl: string, user: TeamsUser): Record<string, unknown> {
  return teamsActivity(connectorUrl, user, { type: 'conversationUpdate', membersAdded: [{ id: user.id }], text: undefined });
}

export const TEAM_CHANNEL = '19:digest-channel@thread.tacv2';

/**
 * A message in a team's channel, as Teams posts it: the bot @mentioned, the channel in
 * channelData, the conversation being the thread (`;messageid=`).
 */
export function teamsChannelMessage(connectorUrl: string, user: TeamsUser, text: string): Record<string, unknown> {
  const mention = '<at>Vie privée Ocean</at>';
  return teamsActivity(connectorUrl, user, {
    type: 'message',
    text: `${mention} ${text}`,
    entities: [{ type: 'mention', text: mention, mentioned: { id: '28:bot', name: 'Vie privée Ocean' } }],
    conversation: { id: `${TEAM_CHANNEL};messageid=1700000000000`, conversationType: 'channel', isGroup: true, tenantId: 'TENANT_FLEET' },
    channelData: { tenant: { id: 'TENANT_FLEET' }, team: { id: '19:team@thread.tacv2' }, channel: { id: TEAM_CHANNEL } },
  });
}
