import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  type BlockAction,
  type Logger as BoltLogger,
  type ButtonAction,
  HTTPModuleFunctions,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
} from '@slack/bolt';
import { WebClient, WebClientEvent } from '@slack/web-api';
import type { Core } from '../../src/app';
import type { ActionOutcome } from '../../src/chat/router';
import type { ChatRequest } from '../../src/privacy/people';
import type { MessageRef, Profile } from '../../src/privacy/ports';
import { attachments, textView, type View } from '../../src/views/views';
import type { RequestTracker } from '../http';
import { fallbackText, formValues, LIMITS, toBlocks, toModal, viewModal } from './blocks';
import { slackFetch } from './http';
import { respondTo, SlackPort } from './port';

export interface SlackTransport {
  app: App;
  port: SlackPort;
  /** Serves POST /slack/events (HTTP mode; undefined in Socket Mode). */
  listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Our slash commands (the manifest's). */
const COMMAND_PATTERN = /^\/(privacy|privacy-report)$/;
const ACTION_PATTERN =
  /^(trip_answer|accept_suggestions|prompt_page|overview_days|schedule_edit|schedule_show|period_add|period_delete|period_delete_confirm|remind_unanswered|forget_confirm|forget_cancel):\d+$/;
const FORM_PATTERN = /^(schedule_form|period_form)$/;
/** A response_url answers for 30 minutes (Slack's rule). */
const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** Slack's requests are a few kilobytes; a modal's state a little more. */
const BODY_LIMIT = 1024 * 1024;

/**
 * The Slack transport: Bolt verifies each request (signature and 5-minute window), this file
 * turns it into a ChatRequest, acknowledges it and hands it to the core, then renders the
 * answer as Block Kit. Commands are acknowledged at once and answered through `response_url`;
 * a click on an answer is written to the store by the core before its acknowledgement.
 */
export async function mountSlack(core: Core, requests: RequestTracker): Promise<SlackTransport> {
  const settings = core.config.slack;
  if (!settings) throw new Error('Slack is not configured');
  const logger = boltLogger(core);
  const slackApiUrl = settings.apiUrl ? `${settings.apiUrl.replace(/\/+$/, '')}/` : undefined;
  // One HTTP client for Slack: the Web API and response_url share undici's pool (./http.ts).
  const clientOptions = { slackApiUrl, fetch: slackFetch, retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true } };
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (settings.appToken) {
    receiver = new SocketModeReceiver({ appToken: settings.appToken, logger, installerOptions: { clientOptions } });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: settings.signingSecret as string,
      logger,
      bodyLimit: BODY_LIMIT,
      customPropertiesExtractor: (req) => ({ requestId: (req as unknown as { id?: string }).id }),
      // A signed payload of the wrong shape makes Bolt throw before any listener: answer 400
      // (Slack would retry a 500), keep 500 for our own failures.
      processEventErrorHandler: async (args) => {
        if (!args.response.headersSent && args.error instanceof TypeError) {
          core.logger.warn({ err: args.error.message }, 'malformed Slack payload refused');
          args.response.writeHead(400);
          args.response.end();
          return true;
        }
        return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      },
    });
  }
  // No conversation store: nothing here keeps state in Bolt between requests.
  const app = new App({
    token: settings.botToken,
    receiver,
    logger,
    clientOptions,
    convoStore: false,
    tokenVerificationEnabled: false,
    botUserId: 'U_BOT',
    botId: 'B_BOT',
  });
  // A listener goes on after its ack(): a graceful stop waits for it.
  app.use(({ next }) => requests.during(next));
  const client = app.client as WebClient;
  client.on(WebClientEvent.RATE_LIMITED, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  // Direct messages (the daily fan-out) go through their own client, paced by the port.
  const bulk = new WebClient(settings.botToken, { ...clientOptions, rejectRateLimitedCalls: true, logger });
  const port = new SlackPort(bulk, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  core.ports.register(port);

  const profile = async (userId: string): Promise<Profile | undefined> => {
    const info = await client.users.info({ user: userId, include_locale: true }).catch((error: unknown) => {
      if ((error as { data?: { error?: string } }).data?.error === 'user_not_found') return undefined;
      throw error;
    });
    const user = info?.user;
    if (!user?.id) return undefined;
    return { chatUserId: user.id, email: user.profile?.email ?? null, locale: user.locale ?? null, displayName: user.real_name ?? user.name ?? null };
  };
  /**
   * A Slack request for the core. Slack gives every command, click and modal submission a
   * trigger_id of its own, which a replay of the same request carries too: it names the request.
   */
  const request = (teamId: string | undefined, userId: string, triggerId: string | undefined, context: object): ChatRequest => ({
    user: { platform: 'slack', workspaceId: teamId ?? 'unknown', chatUserId: userId },
    requestId: (context as { requestId?: string }).requestId,
    requestKey: triggerId ? `slack:${triggerId}` : undefined,
    profile,
  });
  const message = (view: View, replaceOriginal = false) => ({
    response_type: 'ephemeral',
    replace_original: replaceOriginal,
    text: fallbackText(view),
    blocks: toBlocks(view),
  });

  app.command(COMMAND_PATTERN, async ({ command, ack, context }) => {
    await ack();
    const respond = respondTo(command.response_url);
    // After the acknowledgement, a few at a time: the next requests' acknowledgements do not queue behind a burst's answers.
    await core.afterAck.run(() =>
      core.router.typed(
        request(command.team_id, command.user_id, command.trigger_id, context),
        { command: command.command, text: command.text },
        async (view) => {
          await respond(message(view));
          if (!attachments(view).length) return;
          // Block Kit has no place for a chart or a CSV: they go to the user's DM as files.
          await port.uploadAttachments(await port.dmChannel(command.user_id), view).catch(async (error: unknown) => {
            core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'report files not uploaded');
            await respond(message(textView(fallbackText(view), 'error')));
          });
        },
      ),
    );
  });

  app.action(ACTION_PATTERN, async ({ ack, body, action, context }) => {
    const button = action as Partial<ButtonAction>;
    if (body.type !== 'block_actions' || button.type !== 'button' || !button.action_id) return void (await ack());
    const container = body.container as { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    const editable = container.type === 'message' && !container.is_ephemeral && container.channel_id && container.message_ts;
    const where: MessageRef | undefined = editable
      ? { platform: 'slack', channel: container.channel_id, ts: container.message_ts }
      : container.type === 'message' && body.response_url
        ? { platform: 'slack', responseUrl: body.response_url }
        : undefined;
    const click = await core.router.clicked(
      request(body.team?.id ?? body.user.team_id, body.user.id, body.trigger_id, context),
      button.action_id.split(':')[0] as string,
      button.value ?? '',
      {
        message: where,
        messageTtlMs: editable ? undefined : RESPONSE_URL_TTL_MS,
      },
    );
    await ack();
    await core.afterAck.run(() => click.finish((outcome) => render(body, outcome)));
  });

  /** Shows what a click led to: in the message clicked, in a modal, or apart (ephemeral or DM). */
  const render = async (body: BlockAction, outcome: ActionOutcome) => {
    const container = body.container as { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    const respond = respondTo(body.response_url);
    if (outcome.form) await client.views.open({ trigger_id: body.trigger_id, view: toModal(outcome.form) });
    if (outcome.update) {
      if (container.type === 'message' && !container.is_ephemeral && container.channel_id && container.message_ts) {
        await client.chat.update({
          channel: container.channel_id,
          ts: container.message_ts,
          text: fallbackText(outcome.update),
          blocks: toBlocks(outcome.update),
        });
      } else if (container.type === 'view') {
        await publishHome(body.team?.id ?? body.user.team_id, body.user.id, {});
      } else {
        await respond(message(outcome.update, true));
      }
    }
    if (outcome.reply) {
      if (container.type === 'view')
        await client.chat.postMessage({ channel: await port.dmChannel(body.user.id), text: fallbackText(outcome.reply), blocks: toBlocks(outcome.reply) });
      else await respond(message(outcome.reply));
    }
  };

  app.view(FORM_PATTERN, async ({ ack, body, view, context }) => {
    const asked = request(body.team?.id ?? body.user.team_id, body.user.id, (body as { trigger_id?: string }).trigger_id, context);
    const values = formValues(view.state.values);
    // Field errors return in the acknowledgement itself; nothing before it waits on Ocean.
    const checked = await core.router.checkForm(asked, view.callback_id, values);
    if ('errors' in checked) return void (await ack({ response_action: 'errors', errors: checked.errors }));
    await ack({ response_action: 'update', view: viewModal({ ...checked.saving, title: view.title.text }, checked.close) });
    await core.afterAck.run(async () => {
      const outcome = await core.router.submitted(asked, view.callback_id, view.private_metadata, values);
      const shown = outcome.done ?? (outcome.errors ? textView(Object.values(outcome.errors).join('\n'), 'error') : undefined);
      if (shown) await client.views.update({ view_id: view.id, view: viewModal({ ...shown, title: shown.title ?? view.title.text }, checked.close) });
    });
  });

  const publishHome = async (teamId: string | undefined, userId: string, context: object) => {
    const home = await core.router.home(request(teamId, userId, undefined, context));
    await client.views.publish({ user_id: userId, view: { type: 'home', blocks: toBlocks({ ...home, title: undefined }, LIMITS.surfaceBlocks) } });
  };

  app.event('app_home_opened', async ({ event, body, context }) => {
    if (event.tab !== 'home') return;
    await publishHome((body as { team_id?: string }).team_id, event.user, context);
  });

  app.error(async (error) => {
    core.logger.error({ err: error.message, code: (error as { code?: string }).code }, 'Slack handler failed');
  });

  return {
    app,
    port,
    listener: receiver instanceof HTTPReceiver ? receiver.requestListener : undefined,
    async start() {
      if (receiver instanceof SocketModeReceiver) await app.start();
    },
    async stop() {
      if (receiver instanceof SocketModeReceiver) await app.stop();
    },
  };
}

/**
 * Bolt's and the Web API client's log lines, into ours. Their debug lines carry whole request
 * and response bodies (drivers' e-mails, trip times and towns), so no level lets them through.
 */
function boltLogger(core: Core): BoltLogger {
  const log = core.logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...msg) => log.info(msg.map(String).join(' ')),
    warn: (...msg) => log.warn(msg.map(String).join(' ')),
    error: (...msg) => log.error(msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
