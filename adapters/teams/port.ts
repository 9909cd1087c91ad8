import { CardFactory, type CloudAdapter, type ConversationReference, MessageFactory, type TurnContext } from 'botbuilder';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { Person } from '../../src/domain';
import { type ChannelTarget, ChatDeliveryError, type ChatOpeningPort, type MessageRef, type OpenedChat } from '../../src/privacy/ports';
import type { Store } from '../../src/store';
import type { View } from '../../src/views/views';
import type { Card } from './cards';

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; status?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.status ?? e?.response?.status;
}

/** 429 and 5xx from the Bot Connector are retried with backoff; 403/404 mean the bot is gone. */
const connectorRetry = retry(
  handleWhen((error) => {
    const status = statusOf(error);
    return status === 429 || (status !== undefined && status >= 500) || (error as { code?: string }).code === 'ECONNRESET';
  }),
  { maxAttempts: 4, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000 }) },
);

/**
 * Whether Teams refused a message because the user blocked the bot: a 403 whose body names
 * `MessageWritesBlocked` (Microsoft's documented subCode) or `ConversationBlockedByUser` (the
 * Bot Connector's error code for the same), as opposed to an app that was removed.
 */
function blockedByUser(error: unknown): boolean {
  const e = error as { message?: string; body?: unknown; bodyAsText?: string; response?: { bodyAsText?: string; parsedBody?: unknown } };
  const said = [e?.message, e?.bodyAsText, e?.response?.bodyAsText, safeJson(e?.body), safeJson(e?.response?.parsedBody)].join(' ');
  return /MessageWritesBlocked|ConversationBlockedByUser/.test(said);
}

function safeJson(value: unknown): string {
  try {
    return value === undefined ? '' : JSON.stringify(value);
  } catch {
    return '';
  }
}

/**
 * Proactive messages to Teams from stored conversation references (continueConversationAsync):
 * a person's personal chat, or a channel chosen for the weekly digest. A person's reference that
 * Teams refuses (the user uninstalled the bot, left the tenant) is marked inactive instead of
 * being retried forever.
 */
export class TeamsPort implements ChatOpeningPort {
  readonly platform = 'teams' as const;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly store: Store,
    /** A view as a card, its files shared by link (for longer than a reply's: the message may be read days later). */
    private readonly card: (view: View) => Promise<Card>,
    private readonly onRateLimited?: () => void,
    /** The Bot Connector for a chat the bot opened itself when no conversation of its tenant gives one (TEAMS_SERVICE_URL). */
    private readonly serviceUrl = 'https://smba.trafficmanager.net/teams/',
  ) {}

  /**
   * A reference to a chat the bot opened through Microsoft Graph (the app installed for the
   * user): Teams takes the chat id as the conversation id. Its service URL is the one Teams gave
   * last in that tenant, which Microsoft asks bots to prefer to the well-known one.
   */
  async referenceForChat(chat: OpenedChat): Promise<Partial<ConversationReference>> {
    const seen = (await this.store.conversations.latestOfWorkspace('teams', chat.workspaceId)) as Partial<ConversationReference> | undefined;
    return {
      channelId: 'msteams',
      serviceUrl: seen?.serviceUrl ?? this.serviceUrl,
      conversation: { id: chat.chatId, conversationType: 'personal', tenantId: chat.workspaceId, isGroup: false, name: '' },
      user: { id: chat.chatUserId, aadObjectId: chat.chatUserId, name: '' },
      bot: seen?.bot ?? { id: `28:${this.appId}`, name: '' },
    };
  }

  private async reference(person: Person): Promise<Partial<ConversationReference>> {
    const stored = await this.store.conversations.of(person.id);
    if (!stored?.active) throw new ChatDeliveryError('gone', 'no active Teams conversation for this person');
    return stored.reference as Partial<ConversationReference>;
  }

  private async withConnector<T>(person: Person, fn: (reference: Partial<ConversationReference>) => Promise<T>): Promise<T> {
    return this.through(await this.reference(person), () => this.store.conversations.deactivate(person.id), fn);
  }

  /** Runs `fn` with retries of 429/5xx; a 403/404 means the bot is gone from there (`onGone`). */
  private async through<T>(
    reference: Partial<ConversationReference>,
    onGone: () => Promise<void>,
    fn: (reference: Partial<ConversationReference>) => Promise<T>,
  ): Promise<T> {
    try {
      return await connectorRetry.execute(async () => {
        try {
          return await fn(reference);
        } catch (error) {
          if (statusOf(error) === 429) this.onRateLimited?.();
          throw error;
        }
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 403 || status === 404) {
        await onGone();
        const blocked = status === 403 && blockedByUser(error);
        throw new ChatDeliveryError(
          'gone',
          `Teams answered ${status}${blocked ? ' (blocked by the user)' : ''}: the bot cannot post there any more`,
          undefined,
          {
            cause: error,
            blocked,
          },
        );
      }
      throw new ChatDeliveryError(status === 429 ? 'rateLimited' : 'failed', `Teams: ${error instanceof Error ? error.message : String(error)}`, undefined, {
        cause: error,
      });
    }
  }

  /**
   * Runs `logic` in a proactive turn. The adapter hands a turn's errors to its onTurnError;
   * here they are caught inside the turn and thrown after it, so the caller sees them.
   */
  private async proactive<T>(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<T>): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } = { ok: false, error: new Error('the proactive turn did not run') };
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        outcome = { ok: true, value: await logic(context) };
      } catch (error) {
        outcome = { ok: false, error };
      }
    });
    const result = outcome as { ok: true; value: T } | { ok: false; error: unknown };
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** The weekly digest in a team's channel, from the reference kept when a manager wrote `privacy-report here` there. */
  async postToChannel(channel: ChannelTarget, view: View): Promise<MessageRef> {
    const reference = channel.reference as Partial<ConversationReference> | undefined;
    if (!reference?.serviceUrl) throw new ChatDeliveryError('gone', 'no conversation reference for this Teams channel');
    const card = await this.card(view);
    return this.through(
      reference,
      async () => undefined,
      async (ref) => {
        const sent = await this.proactive(ref, (context) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card), view.summary)));
        return { platform: 'teams', activityId: sent?.id, conversationId: channel.id };
      },
    );
  }

  async sendDirect(person: Person, view: View): Promise<MessageRef> {
    const card = await this.card(view);
    return this.withConnector(person, async (reference) => {
      const sent = await this.proactive(reference, (context) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card), view.summary)));
      return { platform: 'teams', activityId: sent?.id, conversationId: reference.conversation?.id };
    });
  }

  async updateMessage(person: Person, ref: MessageRef, view: View): Promise<void> {
    if (typeof ref.activityId !== 'string') return;
    const card = await this.card(view);
    await this.withConnector(person, async (reference) => {
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card), view.summary);
      activity.id = ref.activityId as string;
      await this.proactive(reference, (context) => context.updateActivity(activity));
    });
  }
}
