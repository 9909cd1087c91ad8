import type { WebClient } from '@slack/web-api';
import { request } from 'undici';
import type { Person } from '../../src/domain';
import { type ChannelTarget, ChatDeliveryError, type DiscoveredUser, type DiscoveringPort, type MessageRef } from '../../src/privacy/ports';
import type { View } from '../../src/views/views';
import { attachments } from '../../src/views/views';
import { fallbackText, toBlocks } from './blocks';
import { slackAgent } from './http';
import { RatePacer } from './pacer';

const PROMPT_EVENT = 'privacy_prompt';

/**
 * Direct messages on Slack: users.lookupByEmail to find a driver, conversations.open for the
 * DM channel, chat.postMessage / chat.update for the message, files.uploadV2 for files. The
 * WebClient waits out 429s by their Retry-After before giving up.
 */
export class SlackPort implements DiscoveringPort {
  readonly platform = 'slack' as const;
  private readonly channels = new Map<string, string>();
  /** One pace per Web API method (Slack limits each method apart), shared by every concurrent send. */
  private readonly pacers = new Map<string, RatePacer>();

  /**
   * `client` must reject rate-limited calls (rejectRateLimitedCalls): the port waits them out
   * itself, for all its sends at once, instead of each call retrying on its own.
   */
  constructor(
    private readonly client: WebClient,
    private readonly onRateLimited?: () => void,
  ) {}

  /** Runs a Web API call, waiting out 429s (Retry-After) across every concurrent send. */
  private async paced<T>(method: string, call: () => Promise<T>): Promise<T> {
    let pacer = this.pacers.get(method);
    if (!pacer) {
      pacer = new RatePacer();
      this.pacers.set(method, pacer);
    }
    for (let attempt = 1; ; attempt += 1) {
      await pacer.turn();
      try {
        const result = await call();
        pacer.passed();
        return result;
      } catch (error) {
        if ((error as { code?: string }).code !== 'slack_webapi_rate_limited_error' || attempt >= 20) throw error;
        this.onRateLimited?.();
        pacer.limited(Math.max(1, Number((error as { retryAfter?: number }).retryAfter ?? 1)) * 1000);
      }
    }
  }

  async dmChannel(userId: string): Promise<string> {
    const known = this.channels.get(userId);
    if (known) return known;
    const opened = await this.paced('conversations.open', () => this.client.conversations.open({ users: userId }));
    const channel = opened.channel?.id;
    if (!channel) throw new ChatDeliveryError('failed', 'conversations.open returned no channel');
    this.channels.set(userId, channel);
    return channel;
  }

  async discover(email: string): Promise<DiscoveredUser | undefined> {
    try {
      const found = await this.paced('users.lookupByEmail', () => this.client.users.lookupByEmail({ email }));
      const user = found.user;
      if (!user?.id || user.deleted || user.is_bot) return undefined;
      return {
        workspaceId: user.team_id ?? 'unknown',
        chatUserId: user.id,
        displayName: user.real_name ?? user.name ?? null,
        locale: (user as { locale?: string }).locale ?? null,
      };
    } catch (error) {
      if (slackError(error) === 'users_not_found') return undefined;
      throw translate(error);
    }
  }

  async sendDirect(person: Person, view: View, meta: { promptId?: number } = {}): Promise<MessageRef> {
    try {
      return await this.post(await this.dmChannel(person.chat_user_id), view, meta.promptId);
    } catch (error) {
      throw translate(error);
    }
  }

  /** The weekly digest in a channel the bot is a member of (SLACK_REPORT_CHANNEL). */
  async postToChannel(channel: ChannelTarget, view: View): Promise<MessageRef> {
    try {
      return await this.post(channel.id, view);
    } catch (error) {
      throw translate(error);
    }
  }

  private async post(channel: string, view: View, promptId?: number): Promise<MessageRef> {
    const posted = await this.paced('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        text: fallbackText(view),
        blocks: toBlocks(view),
        unfurl_links: false,
        // Lets a resumed run find a prompt that reached Slack before the crash.
        ...(promptId !== undefined ? { metadata: { event_type: PROMPT_EVENT, event_payload: { prompt_id: promptId } } } : {}),
      }),
    );
    await this.uploadAttachments(channel, view);
    return { platform: 'slack', channel, ts: posted.ts };
  }

  async updateMessage(_person: Person, ref: MessageRef, view: View): Promise<void> {
    if (typeof ref.responseUrl === 'string') {
      // An ephemeral message: only its response_url can change it (30 minutes, five times).
      await respondTo(ref.responseUrl)({ response_type: 'ephemeral', replace_original: true, text: fallbackText(view), blocks: toBlocks(view) });
      return;
    }
    try {
      await this.paced('chat.update', () =>
        this.client.chat.update({ channel: String(ref.channel), ts: String(ref.ts), text: fallbackText(view), blocks: toBlocks(view) }),
      );
    } catch (error) {
      throw translate(error);
    }
  }

  async findPromptMessage(person: Person, promptId: number, since: Date): Promise<MessageRef | undefined> {
    const channel = await this.dmChannel(person.chat_user_id);
    const history = await this.paced('conversations.history', () =>
      this.client.conversations.history({ channel, oldest: String(since.getTime() / 1000 - 60), include_all_metadata: true, limit: 50 }),
    );
    const found = history.messages?.find((m) => {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: { prompt_id?: unknown } } }).metadata;
      return metadata?.event_type === PROMPT_EVENT && Number(metadata.event_payload?.prompt_id) === promptId;
    });
    return found?.ts ? { platform: 'slack', channel, ts: found.ts } : undefined;
  }

  /** Images and files of a view go as one upload into the channel (Block Kit has no place for them). */
  async uploadAttachments(channel: string, view: View): Promise<void> {
    const files = attachments(view);
    if (!files.length) return;
    await this.paced('files.uploadV2', () =>
      this.client.files.uploadV2({
        channel_id: channel,
        initial_comment: view.title ?? view.summary,
        file_uploads: files.map((f) =>
          f.type === 'image' ? { file: f.png, filename: f.name, title: f.alt } : { file: f.data, filename: f.name, title: f.title },
        ),
      }),
    );
  }
}

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } })?.data?.error;
}

export function translate(error: unknown): ChatDeliveryError {
  if (error instanceof ChatDeliveryError) return error;
  const code = slackError(error);
  const gone = ['user_not_found', 'account_inactive', 'channel_not_found', 'is_archived', 'cannot_dm_bot', 'user_disabled', 'not_in_channel'];
  if (code && gone.includes(code)) return new ChatDeliveryError('gone', `Slack: ${code}`, undefined, { cause: error });
  if ((error as { code?: string })?.code === 'slack_webapi_rate_limited_error') {
    return new ChatDeliveryError('rateLimited', 'Slack rate limit', Number((error as { retryAfter?: number }).retryAfter ?? 1) * 1000, { cause: error });
  }
  return new ChatDeliveryError('failed', `Slack: ${code ?? (error instanceof Error ? error.message : String(error))}`, undefined, { cause: error });
}

export type Respond = (message: Record<string, unknown>) => Promise<void>;

/**
 * Answers through a request's `response_url` (valid 30 minutes, 5 answers): one JSON POST on
 * the Slack pool of keep-alive connections the Web API calls use too (./http.ts). An expired or used-up URL is a message gone for good.
 */
export function respondTo(url: string | undefined): Respond {
  return async (message) => {
    if (!url) throw new ChatDeliveryError('gone', 'this request has no response_url');
    const { statusCode, body } = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      dispatcher: slackAgent,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await body.text();
    if (statusCode === 404 || statusCode === 410 || /expired_url|used_url/.test(text))
      throw new ChatDeliveryError('gone', `response_url answered HTTP ${statusCode}`);
    if (statusCode >= 300) throw new ChatDeliveryError('failed', `response_url answered HTTP ${statusCode}`);
  };
}
