import { handleWhen, retry, ExponentialBackoff } from 'cockatiel';
import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { View } from '../../src/views/views';
import { ChatDeliveryError, type ChatPort, type MessageRef } from '../../src/privacy/ports';
import type { Person, Store } from '../../src/store';
import { toCard, type CardOptions } from './cards';

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
 * Proactive messages to Teams from stored conversation references (continueConversationAsync).
 * A reference that Teams refuses (the user uninstalled the bot, left the tenant) is marked
 * inactive instead of being retried forever.
 */
export class TeamsPort implements ChatPort {
  readonly platform = 'teams' as const;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly store: Store,
    private readonly cardOptions: CardOptions = {},
    private readonly onRateLimited?: () => void,
  ) {}

  private async reference(person: Person): Promise<Partial<ConversationReference>> {
    const stored = await this.store.conversations.of(person.id);
    if (!stored || !stored.active) throw new ChatDeliveryError('gone', 'no active Teams conversation for this person');
    return stored.reference as Partial<ConversationReference>;
  }

  private async withConnector<T>(person: Person, fn: (reference: Partial<ConversationReference>) => Promise<T>): Promise<T> {
    const reference = await this.reference(person);
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
        await this.store.conversations.deactivate(person.id);
        throw new ChatDeliveryError('gone', `Teams answered ${status}: conversation marked inactive`, undefined, { cause: error });
      }
      throw new ChatDeliveryError(status === 429 ? 'rateLimited' : 'failed', `Teams: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
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

  async card(view: View) {
    return toCard(view, this.cardOptions);
  }
}
