import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Bot Connector service on 127.0.0.1: the `serviceUrl` of test activities points here.
 * It records the activities the bot sends, updates and the member look-ups, and can be told to
 * answer an error status (403 for an uninstalled bot, 429, 5xx).
 */

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: Record<string, unknown>;
}

export interface FakeMember {
  id: string;
  name: string;
  /** The member's AAD object id (Teams gives it; `aad-<id>` unless said otherwise, as teamsActivity sends). */
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly members = new Map<string, FakeMember>();
  private failures: { status: number; count: number; body?: unknown }[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  private next = 1;
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` sends or updates answer `status`; a negative count clears pending failures. */
  fail(status: number, count: number, body?: unknown): void {
    if (count < 0) {
      this.failures.length = 0;
      return;
    }
    this.failures.push({ status, count, body });
  }

  /** Activities the bot sent (new messages), newest last. */
  sent(): ConnectorCall[] {
    // A reply goes to /activities/{replyToId}, a proactive message to /activities.
    return this.calls.filter((c) => c.method === 'POST' && /\/activities(\/[^/]+)?$/.test(c.path));
  }

  updated(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT');
  }

  reset(): void {
    this.calls.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const match = /\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?/.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      conversationId: match?.[1] ? decodeURIComponent(match[1]) : undefined,
      activityId: match?.[2] === 'activities' && match[3] ? decodeURIComponent(match[3]) : undefined,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (match?.[2] === 'members' && match[3]) {
      this.calls.push(call);
      // Teams finds a member by their channel id or their AAD object id.
      const wanted = decodeURIComponent(match[3]);
      const member = [...this.members.values()].find((m) => m.id === wanted || (m.aadObjectId ?? `aad-${m.id}`) === wanted);
      return member ? json(200, { aadObjectId: `aad-${member.id}`, ...member }) : json(404, { error: { code: 'MemberNotFound', message: 'not found' } });
    }
    const failure = this.failures.find((f) => f.count > 0);
    if (failure && req.method !== 'GET') {
      failure.count -= 1;
      this.calls.push({ ...call, method: `${call.method}:${failure.status}` });
      return json(failure.status, failure.body ?? { error: { code: 'Failure', message: `status ${failure.status}` } });
    }
    this.calls.push(call);
    if (req.method === 'POST' && match?.[2] === 'activities') return json(200, { id: `activity-${this.next++}` });
    if (req.method === 'PUT') return json(200, { id: call.activityId });
    return json(200, {});
  }
}

/** A Teams personal-chat activity as the channel would post it to /api/messages. */
export function teamsActivity(connectorUrl: string, user: { id: string; name: string }, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'message',
    id: `msg-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    from: { id: user.id, name: user.name, aadObjectId: `aad-${user.id}` },
    recipient: { id: '28:bot', name: 'Privacy' },
    conversation: { id: `a:conv-${user.id}`, conversationType: 'personal', tenantId: 'TENANT_FLEET' },
    channelData: { tenant: { id: 'TENANT_FLEET' } },
    locale: 'fr-FR',
    ...fields,
  };
}
