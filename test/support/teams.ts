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

/**
 * What Teams sends the bot when the app is installed in a user's personal scope by someone else
 * (an administrator's setup policy, or Microsoft Graph): an `installationUpdate` with action `add`
 * and, from some tenants, a `conversationUpdate` adding the bot and the user, both at once. As in
 * Microsoft's documented payloads: no name for the user, their AAD object id, the tenant in
 * channelData (and on the conversation for installationUpdate only).
 */
export function teamsInstalledFor(
  connectorUrl: string,
  user: { id: string; aadObjectId: string },
  tenant = 'TENANT_FLEET',
  bot = '28:bot',
): { installationUpdate: Record<string, unknown>; conversationUpdate: Record<string, unknown> } {
  const base = {
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, aadObjectId: user.aadObjectId },
    recipient: { id: bot, name: 'Vie privée Ocean' },
    channelData: { tenant: { id: tenant } },
  };
  const conversationId = `a:1${user.aadObjectId}`;
  return {
    installationUpdate: {
      ...base,
      type: 'installationUpdate',
      id: `f:${Math.random().toString(36).slice(2)}`,
      action: 'add',
      locale: 'fr-FR',
      entities: [{ type: 'clientInfo', locale: 'fr-FR' }],
      conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant },
      channelData: { ...base.channelData, source: { name: 'message' } },
    },
    conversationUpdate: {
      ...base,
      type: 'conversationUpdate',
      id: `f:${Math.random().toString(36).slice(2)}`,
      membersAdded: [{ id: bot }, { id: user.id, aadObjectId: user.aadObjectId }],
      conversation: { id: conversationId, conversationType: 'personal' },
    },
  };
}
