import { randomBytes } from 'node:crypto';
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
} from 'botbuilder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Core } from '../../src/app';
import type { Target } from '../../src/chat/commands';
import { attachments, textView, type Block, type View } from '../../src/views/views';
import { translator } from '../../src/i18n';
import type { Actor } from '../../src/privacy/people';
import type { Person } from '../../src/store';
import { CARD_CONTENT_TYPE, formCard, toCard, type Card, type ExecuteData } from './cards';
import { TeamsPort } from './port';

export interface TeamsTransport {
  adapter: CloudAdapter;
  port: TeamsPort;
}

const PROFILE_TTL_MS = 60 * 60_000;
const FILE_TTL_MS = 60 * 60_000;

/** Where a turn keeps the id of the HTTP request that carried its activity. */
const REQUEST_ID = Symbol('requestId');

/**
 * The Teams transport: the Bot Framework's CloudAdapter on POST /api/messages. With an app id,
 * every request must carry a valid Bot Framework token (the adapter answers 401 otherwise).
 * Without one, Teams is served only in sandbox mode or with TEAMS_EMULATOR=true, and then only
 * to loopback (the Bot Framework Emulator, tests).
 */
export function mountTeams(app: Express, core: Core): TeamsTransport {
  const settings = core.config.teams;
  if (!settings) throw new Error('Teams is not configured');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppType: settings.appType,
    MicrosoftAppTenantId: settings.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  const appId = settings.appId ?? '';
  adapter.onTurnError = async (context, error) => {
    core.logger.error({ err: error.message }, 'Teams turn failed');
    await context.sendActivity(translator(core.config.defaultLocale).t('errors.generic')).catch(() => undefined);
  };

  const shareFiles = async (view: View): Promise<Map<Block, string>> => {
    const urls = new Map<Block, string>();
    for (const block of attachments(view)) {
      if (block.type !== 'file') continue;
      const token = randomBytes(24).toString('base64url');
      await core.store.shareFile(token, { name: block.name, mime: block.mime, data: block.data }, FILE_TTL_MS);
      urls.set(block, `${core.config.publicUrl}/files/${token}`);
    }
    return urls;
  };
  const card = async (view: View): Promise<Card> => {
    const urls = await shareFiles(view);
    return toCard(view, { fileUrl: (block) => urls.get(block) });
  };

  const port = new TeamsPort(adapter, appId, core.store, {}, () => core.metrics.chatRateLimited.inc({ platform: 'teams' }));
  core.ports.register(port);

  const profiles = new Map<string, { at: number; email: string | null; name: string | null }>();
  const identify = async (context: TurnContext): Promise<Actor> => {
    const activity = context.activity;
    const userId = activity.from.id;
    const now = core.clock.now().getTime();
    let profile = profiles.get(userId);
    if (!profile || now - profile.at > PROFILE_TTL_MS) {
      try {
        const member = await TeamsInfo.getMember(context, userId);
        profile = { at: now, email: member.email ?? member.userPrincipalName ?? null, name: member.name ?? null };
        profiles.set(userId, profile);
      } catch (error) {
        core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'Teams getMember failed; using what the store knows');
      }
    }
    return core.people.identify({
      platform: 'teams',
      workspaceId: activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? 'unknown',
      chatUserId: userId,
      email: profile?.email,
      displayName: profile?.name ?? activity.from.name,
      locale: activity.locale,
    }, context.turnState.get(REQUEST_ID) as string | undefined);
  };

  const resolve = (tenant: string) => async (target: Target): Promise<Person | undefined> => {
    if (target.kind === 'mention') return core.store.findPerson({ platform: 'teams', workspaceId: tenant, chatUserId: target.userId });
    const people = await core.store.findPeopleByEmail(target.email);
    return people.find((p) => p.platform === 'teams') ?? people[0];
  };

  class PrivacyBot extends ActivityHandler {
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        const actor = await identify(context);
        await this.remember(context, actor, false);
        const value = context.activity.value as ExecuteData | undefined;
        if (value && typeof value === 'object' && (value.actionId || value.formId)) {
          // Action.Submit from clients without universal actions: same handling, answered as a new message.
          const answer = await this.execute(actor, value, (context.activity.value ?? {}) as Record<string, unknown>);
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(answer)));
          return next();
        }
        const line = commandText(context);
        const parsed = core.router.parseLine(line);
        if (!parsed.ok) {
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await card(core.router.parseErrorView(parsed, actor.t)))));
          return next();
        }
        const quick = core.router.acknowledge(actor, parsed.command);
        if (quick) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await card(quick))));
        if (!core.router.refused(actor, parsed.command)) {
          const view = await core.router.run(actor, parsed.command, resolve(actor.person.workspace_id));
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await card(view)), view.summary));
        }
        await next();
      });
      this.onInstallationUpdateAdd(async (context, next) => {
        await this.remember(context, await identify(context), true);
        await next();
      });
      this.onMembersAdded(async (context, next) => {
        const added = context.activity.membersAdded ?? [];
        if (added.some((m) => m.id !== context.activity.recipient.id)) await this.remember(context, await identify(context), true);
        await next();
      });
    }

    /** Keeps the conversation reference for proactive messages; greets a new user once. */
    private async remember(context: TurnContext, actor: Actor, greet: boolean): Promise<void> {
      const known = await core.store.conversationRef(actor.person.id);
      const reference = TurnContext.getConversationReference(context.activity) as ConversationReference;
      await core.store.saveConversationRef(actor.person.id, reference);
      if (greet && !known) {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(toCard({ summary: actor.t.t('welcome.title'), title: actor.t.t('welcome.title'), blocks: [{ type: 'text', text: actor.t.t('welcome.text') }] }))));
      }
    }

    async execute(actor: Actor, data: ExecuteData, inputs: Record<string, unknown>): Promise<Card> {
      if (data.formId) {
        const errors = core.router.validate(actor, data.formId, inputs);
        if (errors) {
          const form = data.formId === 'schedule_form' ? core.schedules.scheduleForm(actor, emptyWeek(), stringValues(inputs), errors) : core.schedules.periodForm(actor, stringValues(inputs), errors);
          return formCard(form);
        }
        const outcome = await core.router.submit(actor, data.formId, data.state, inputs);
        return card(outcome.done ?? textView(actor.t.t('errors.generic'), 'error'));
      }
      const outcome = await core.router.action(actor, String(data.actionId ?? ''), data.value ?? '');
      if (outcome.form) return formCard(outcome.form);
      return card(outcome.update ?? outcome.reply ?? textView(actor.t.t('errors.badButton'), 'error'));
    }

    protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
      const actor = await identify(context);
      const data = (invokeValue?.action?.data ?? {}) as ExecuteData & Record<string, unknown>;
      // Universal actions: the card in the invoke response replaces the card that was clicked.
      const answer = await this.execute(actor, data, data);
      return { statusCode: 200, type: CARD_CONTENT_TYPE, value: answer as never };
    }
  }

  const bot = new PrivacyBot();
  const router = express.Router();
  if (!settings.appId) router.use(loopbackOnly(core));
  router.use(express.json({ limit: '256kb' }));
  router.post('/', (req, res) => {
    adapter.process(req as never, res as never, (context) => {
      context.turnState.set(REQUEST_ID, (req as unknown as { id?: string }).id);
      return bot.run(context);
    }).catch((error: unknown) => {
      core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'Teams request refused');
      if (!res.headersSent) res.status(500).end();
    });
  });
  app.use('/api/messages', router);
  return { adapter, port };
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

function stringValues(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function emptyWeek() {
  return { LUNDI: [], MARDI: [], MERCREDI: [], JEUDI: [], VENDREDI: [], SAMEDI: [], DIMANCHE: [] };
}

function loopbackOnly(core: Core) {
  return (req: Request, res: Response, next: NextFunction) => {
    const address = req.socket.remoteAddress ?? '';
    if (address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1') return next();
    core.logger.warn({ address }, 'unauthenticated Teams request from outside loopback refused');
    res.status(401).json({ error: 'unauthorized' });
  };
}
