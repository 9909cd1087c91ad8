import { randomBytes } from 'node:crypto';
import {
  type Activity,
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  MessageFactory,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Core } from '../../src/app';
import type { ActionOutcome, SubmitOutcome } from '../../src/chat/router';
import { translator } from '../../src/i18n';
import type { ChatRequest } from '../../src/privacy/people';
import type { ChannelTarget, MessageRef } from '../../src/privacy/ports';
import { attachments, type Block, type View } from '../../src/views/views';
import { isLoopbackAddress, type RequestTracker } from '../http';
import { CARD_CONTENT_TYPE, type Card, type ExecuteData, formCard, toCard } from './cards';
import { TeamsPort } from './port';

export interface TeamsTransport {
  adapter: CloudAdapter;
  port: TeamsPort;
}

/** An Adaptive Card invoke answered with this type shows its text and leaves the card as it was. */
const MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';

/** Where a turn keeps the id of the HTTP request that carried its activity. */
const REQUEST_ID = Symbol('requestId');
/** Where a turn finds the promise that its HTTP answer has been sent. */
const ANSWERED = Symbol('answered');

/** The Bot Framework adapter, with its authenticated entry point reachable from our route. */
class Adapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * The Teams transport: the Bot Framework's CloudAdapter on POST /api/messages. With an app id,
 * every request must carry a valid Bot Framework token (401 otherwise, with no detail). Without
 * one, Teams is served only in sandbox mode or with TEAMS_EMULATOR=true, and only to loopback.
 * Activities from a tenant that is not the fleet's run no turn at all.
 */
export function mountTeams(app: Express, core: Core, requests: RequestTracker): TeamsTransport {
  const settings = core.config.teams;
  if (!settings) throw new Error('Teams is not configured');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    // Without an app id (the emulator) botbuilder authenticates nothing, which it allows only as MultiTenant.
    MicrosoftAppType: settings.appId ? settings.appType : 'MultiTenant',
    MicrosoftAppTenantId: settings.tenantId ?? '',
  });
  const adapter = new Adapter(auth);
  const appId = settings.appId ?? '';
  adapter.onTurnError = async (context, error) => {
    core.logger.error({ err: error.message }, 'Teams turn failed');
    await context.sendActivity(translator(core.config.defaultLocale).t('errors.generic')).catch(() => undefined);
  };

  /**
   * A card's file is a link (a bot's card cannot attach one): it stays as long as the bot keeps
   * what it recorded (RETENTION_DAYS), since the message that shows it stays in the chat.
   */
  const fileTtlMs = core.config.retentionDays * 24 * 60 * 60_000;
  const shareFiles = async (view: View): Promise<Map<Block, string>> => {
    const urls = new Map<Block, string>();
    for (const block of attachments(view)) {
      if (block.type !== 'file') continue;
      const token = randomBytes(24).toString('base64url');
      await core.store.files.share(token, { name: block.name, mime: block.mime, data: block.data }, fileTtlMs);
      urls.set(block, `${core.config.publicUrl}/files/${token}`);
    }
    return urls;
  };
  const card = async (view: View): Promise<Card> => {
    const urls = await shareFiles(view);
    return toCard(view, { fileUrl: (block) => urls.get(block) });
  };
  const port = new TeamsPort(adapter, appId, core.store, card, () => core.metrics.chatRateLimited.inc({ platform: 'teams' }), settings.serviceUrl);
  core.ports.register(port);

  /**
   * A Teams activity for the core. People are keyed by tenant and AAD object id (the emulator
   * sends none: its `from.id` then); someone stored under `from.id` before moves to the AAD id.
   */
  const request = (context: TurnContext): ChatRequest => {
    const activity = context.activity;
    const aad = activity.from.aadObjectId;
    const chatUserId = aad ?? activity.from.id;
    return {
      user: { platform: 'teams', workspaceId: tenantOf(activity) ?? 'unknown', chatUserId },
      requestId: context.turnState.get(REQUEST_ID) as string | undefined,
      requestKey: activity.id ? `teams:${activity.id}` : undefined,
      formerIds: aad ? [activity.from.id] : [],
      channel: channelOf(activity),
      profile: async (userId) => {
        const member = await TeamsInfo.getMember(context, userId === chatUserId ? activity.from.id : userId);
        return {
          chatUserId: member.aadObjectId ?? member.id,
          email: member.email ?? member.userPrincipalName ?? null,
          displayName: member.name ?? null,
          locale: userId === chatUserId ? (activity.locale ?? null) : null,
        };
      },
    };
  };
  const say = async (context: TurnContext, view: View): Promise<MessageRef> => {
    const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await card(view)), view.summary));
    return { platform: 'teams', activityId: sent?.id, conversationId: context.activity.conversation.id };
  };
  /** The message holding the card a button sat in (Teams can edit it later). */
  const clickedIn = (context: TurnContext): MessageRef | undefined =>
    context.activity.replyToId ? { platform: 'teams', activityId: context.activity.replyToId, conversationId: context.activity.conversation.id } : undefined;

  const outcomeCard = async (outcome: ActionOutcome | SubmitOutcome): Promise<Card | undefined> => {
    if ('form' in outcome && outcome.form) return formCard(outcome.form);
    const view =
      'done' in outcome
        ? outcome.done
        : 'update' in outcome || 'reply' in outcome
          ? ((outcome as ActionOutcome).update ?? (outcome as ActionOutcome).reply)
          : undefined;
    return view ? card(view) : undefined;
  };

  /** A button or a form from a card: Action.Execute (an invoke) or Action.Submit (a message). */
  const act = async (context: TurnContext, data: ExecuteData & Record<string, unknown>): Promise<ActionOutcome | SubmitOutcome> => {
    const asked = request(context);
    if (data.formId) return core.router.submitted(asked, data.formId, data.state, data);
    const click = await core.router.clicked(asked, String(data.actionId ?? ''), typeof data.value === 'string' ? data.value : '', {
      message: clickedIn(context),
    });
    // What the click shows is this turn's answer; the rest of its work (other copies redrawn,
    // delivery to Ocean started) waits until that answer has left, as after a Slack ack.
    const answered = context.turnState.get(ANSWERED) as Promise<void>;
    return new Promise<ActionOutcome>((resolve, reject) => {
      const rest = click.finish(async (outcome) => {
        resolve(outcome);
        await answered;
      });
      void requests
        .during(() => rest)
        .catch((error: unknown) => {
          reject(error);
          core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'work after a Teams click failed');
        });
    });
  };

  class PrivacyBot extends ActivityHandler {
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        if (personal(context.activity)) await core.router.reachable(request(context), TurnContext.getConversationReference(context.activity), false);
        const value = context.activity.value as (ExecuteData & Record<string, unknown>) | undefined;
        if (value && typeof value === 'object' && (value.actionId || value.formId)) {
          // Action.Submit from clients without universal actions: answered as a new message.
          const answer = await outcomeCard(await act(context, value));
          if (answer) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(answer)));
          return next();
        }
        await core.router.typed(request(context), { text: commandText(context) }, (view) => say(context, view));
        await next();
      });
      // Only a personal chat is where a person is reached later: a team's channel is everyone's.
      this.onInstallationUpdateAdd(async (context, next) => {
        const welcome = personal(context.activity)
          ? await core.router.reachable(request(context), TurnContext.getConversationReference(context.activity), true)
          : undefined;
        if (welcome) await say(context, welcome);
        await next();
      });
      // Some tenants announce a personal install with a conversationUpdate (the bot and the user
      // added), often beside the installationUpdate: both keep the conversation, one welcome.
      this.onMembersAdded(async (context, next) => {
        if (personal(context.activity) && context.activity.membersAdded?.length) {
          const welcome = await core.router.reachable(request(context), TurnContext.getConversationReference(context.activity), true);
          if (welcome) await say(context, welcome);
        }
        await next();
      });
    }

    protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
      const data = (invokeValue?.action?.data ?? {}) as ExecuteData & Record<string, unknown>;
      // Universal actions: the card in the invoke response replaces the card that was clicked;
      // a reply alone (a refusal) shows as a message and leaves the card as it was.
      const outcome = await act(context, data);
      if ('reply' in outcome && outcome.reply && !outcome.update && !outcome.form) return messageOnly(outcome.reply.summary);
      const answer = await outcomeCard(outcome);
      if (!answer) return messageOnly('');
      return { statusCode: 200, type: CARD_CONTENT_TYPE, value: answer };
    }
  }

  const bot = new PrivacyBot();
  const tenants = new Set(settings.tenants);
  const router = express.Router();
  if (!settings.appId) router.use(loopbackOnly(core));
  router.use(express.json({ limit: '256kb' }));
  router.post('/', async (req, res) => {
    const activity = req.body as Activity;
    if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string') return void res.status(400).end();
    let authenticated = false;
    const answered = new Promise<void>((resolve) => res.once('close', () => resolve()));
    try {
      const invoke = await adapter.run(req.headers.authorization ?? '', activity, async (context) => {
        authenticated = true;
        const tenant = tenantOf(context.activity);
        if (tenants.size && (!tenant || !tenants.has(tenant))) {
          core.logger.warn(
            { tenant: tenant ?? null, requestId: (req as unknown as { id?: string }).id },
            "Teams activity from a tenant that is not the fleet's refused",
          );
          return;
        }
        context.turnState.set(REQUEST_ID, (req as unknown as { id?: string }).id);
        context.turnState.set(ANSWERED, answered);
        await bot.run(context);
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (error) {
      // A failure before the turn ran is the token's (forged, expired, wrong audience): 401, no detail.
      if (!authenticated) {
        core.logger.warn(
          { err: error instanceof Error ? error.message : String(error), client: req.socket.remoteAddress },
          'Teams request without a valid Bot Framework token refused',
        );
        if (!res.headersSent) res.status(401).end();
        return;
      }
      core.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'Teams request failed');
      if (!res.headersSent) res.status(500).end();
    }
  });
  app.use('/api/messages', router);
  return { adapter, port };
}

/**
 * An invoke answer that shows a short message and leaves the card as it was. Teams takes a
 * string as its value; botbuilder's type knows only objects.
 */
function messageOnly(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: text as unknown as Record<string, unknown> };
}

/** A personal chat with the bot (the emulator and older clients say nothing: personal too). */
function personal(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return !type || type === 'personal';
}

/**
 * A team's channel the activity was written in, with a reference to post there later: to the
 * channel itself, so that each digest is a new post rather than a reply in this thread.
 */
function channelOf(activity: Activity): ChannelTarget | undefined {
  if (activity.conversation?.conversationType !== 'channel') return undefined;
  const id =
    (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? activity.conversation.id.split(';')[0] ?? activity.conversation.id;
  const { activityId: _thread, ...reference } = TurnContext.getConversationReference(activity);
  return { id, reference: { ...reference, conversation: { ...reference.conversation, id } } };
}

function tenantOf(activity: Activity): string | undefined {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/** The text of a message, with the bot's @mention removed and other mentions as `<@id>`. */
function commandText(context: TurnContext): string {
  let text = context.activity.text ?? '';
  for (const entity of context.activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mention = entity as { text?: string; mentioned?: { id?: string } };
    if (!mention.text) continue;
    text = text.replace(mention.text, mention.mentioned?.id === context.activity.recipient.id ? '' : `<@${mention.mentioned?.id ?? ''}>`);
  }
  return text.replace(/<\/?at>/g, '').trim();
}

function loopbackOnly(core: Core) {
  return (req: Request, res: Response, next: NextFunction) => {
    const address = req.socket.remoteAddress ?? '';
    if (isLoopbackAddress(address)) return next();
    core.logger.warn({ client: address }, 'unauthenticated Teams request from outside loopback refused');
    res.status(401).json({ error: 'unauthorized' });
  };
}
