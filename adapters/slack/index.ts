import { App, ExpressReceiver, HTTPModuleFunctions, LogLevel, isValidSlackRequest, type Logger as BoltLogger, type RespondFn } from '@slack/bolt';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { raw as expressRaw, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Core } from '../../src/app';
import type { Target } from '../../src/chat/commands';
import { textView, type View } from '../../src/chat/views';
import type { Actor } from '../../src/privacy/people';
import type { Person } from '../../src/store';
import { fallbackText, formValues, toBlocks, toModal, viewModal, LIMITS } from './blocks';
import { SlackPort } from './port';

export interface SlackTransport {
  app: App;
  port: SlackPort;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const ACTION_PATTERN = /^(trip_answer|prompt_page|schedule_edit|schedule_show|period_add|period_delete):\d+$/;
const FORM_PATTERN = /^(schedule_form|period_form)$/;
const PROFILE_TTL_MS = 60 * 60_000;

/**
 * The Slack transport. Bolt verifies the signature (and the 5-minute window) of every request on
 * POST /slack/events; a replayed request is refused before Bolt sees it. Every command and
 * action is acknowledged at once; the work happens after `ack()` and answers through
 * `respond()`, `chat.update`, `views.update` or a DM.
 */
export async function mountSlack(express: Express, core: Core): Promise<SlackTransport> {
  const settings = core.config.slack;
  if (!settings) throw new Error('Slack is not configured');
  const logger = boltLogger(core);
  const clientOptions = {
    slackApiUrl: settings.apiUrl ? `${settings.apiUrl.replace(/\/+$/, '')}/` : undefined,
    retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true },
  };
  let app: App;
  if (settings.appToken) {
    app = new App({ token: settings.botToken, appToken: settings.appToken, socketMode: true, logger, clientOptions });
  } else {
    express.post('/slack/events', replayGuard(core, settings.signingSecret));
    const receiver = new ExpressReceiver({
      signingSecret: settings.signingSecret,
      app: express,
      endpoints: '/slack/events',
      logger,
      processBeforeResponse: false,
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
    app = new App({ token: settings.botToken, receiver, logger, clientOptions, tokenVerificationEnabled: false, botUserId: 'U_BOT', botId: 'B_BOT' });
  }
  const client = app.client as WebClient;
  client.on(WebClientEvent.RATE_LIMITED, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  // Direct messages (the daily fan-out) go through their own client, paced by the port.
  const bulk = new WebClient(settings.botToken, { ...clientOptions, rejectRateLimitedCalls: true, logger: logger as never });
  const port = new SlackPort(bulk, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  core.ports.register(port);

  const profiles = new Map<string, { at: number; email: string | null; locale: string | null; name: string | null }>();
  /** Who the Slack user is for Ocean: users.info gives the e-mail and locale (cached an hour). */
  const identify = async (userId: string, teamId: string | undefined): Promise<Actor> => {
    const now = core.clock.now().getTime();
    let profile = profiles.get(userId);
    if (!profile || now - profile.at > PROFILE_TTL_MS) {
      try {
        const info = await client.users.info({ user: userId, include_locale: true });
        profile = { at: now, email: info.user?.profile?.email ?? null, locale: info.user?.locale ?? null, name: info.user?.real_name ?? info.user?.name ?? null };
        profiles.set(userId, profile);
      } catch (error) {
        core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'users.info failed; using what the store knows');
      }
    }
    return core.people.identify({ platform: 'slack', workspaceId: teamId ?? 'unknown', chatUserId: userId, email: profile?.email, locale: profile?.locale, displayName: profile?.name });
  };

  const resolve = (teamId: string) => async (target: Target): Promise<Person | undefined> => {
    if (target.kind === 'mention') {
      const found = await core.store.findPerson({ platform: 'slack', workspaceId: teamId, chatUserId: target.userId });
      if (found) return found;
      const info = await client.users.info({ user: target.userId }).catch(() => undefined);
      if (!info?.user?.id) return undefined;
      return core.store.seePerson({ platform: 'slack', workspaceId: teamId, chatUserId: info.user.id, email: info.user.profile?.email, displayName: info.user.real_name }, { discovered: true });
    }
    const people = await core.store.findPeopleByEmail(target.email);
    const same = people.find((p) => p.platform === 'slack');
    if (same) return same;
    const found = await port.discover(target.email);
    return found ? core.store.seePerson({ platform: 'slack', workspaceId: found.workspaceId, chatUserId: found.chatUserId, email: target.email, displayName: found.displayName }, { discovered: true }) : undefined;
  };

  const reply = async (respond: RespondFn, view: View, replaceOriginal = false) => {
    await respond({ response_type: 'ephemeral', replace_original: replaceOriginal, text: fallbackText(view), blocks: toBlocks(view) as never });
  };

  app.command(/^\/(privacy|privacy-report)$/, async ({ command, ack, respond }) => {
    await ack();
    const actor = await identify(command.user_id, command.team_id);
    const parsed = core.router.parseSlash(command.command, command.text);
    if (!parsed.ok) return reply(respond, core.router.parseErrorView(parsed, actor.t));
    const quick = core.router.acknowledge(actor, parsed.command);
    if (quick) await reply(respond, quick);
    if (core.router.refused(actor, parsed.command)) return;
    const view = await core.router.run(actor, parsed.command, resolve(command.team_id));
    await reply(respond, view);
    if (view.blocks.some((b) => b.type === 'image' || b.type === 'file')) {
      await port.uploadAttachments(await port.dmChannel(command.user_id), view).catch(async (error: unknown) => {
        core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'report files not uploaded');
        await reply(respond, textView(actor.t.t('errors.generic'), 'error'));
      });
    }
  });

  app.action(ACTION_PATTERN, async ({ ack, body, action, respond }) => {
    await ack();
    const button = action as { type?: string; action_id?: string; value?: string };
    if (body.type !== 'block_actions' || button.type !== 'button' || !button.action_id) return;
    const actor = await identify(body.user.id, body.team?.id ?? body.user.team_id);
    const outcome = await core.router.action(actor, button.action_id.split(':')[0] as string, button.value ?? '');
    const container = body.container as { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean; view_id?: string };
    if (outcome.form) {
      await client.views.open({ trigger_id: body.trigger_id, view: toModal(outcome.form) as never });
    }
    if (outcome.update) {
      if (container.type === 'message' && !container.is_ephemeral && container.channel_id && container.message_ts) {
        await client.chat.update({ channel: container.channel_id, ts: container.message_ts, text: fallbackText(outcome.update), blocks: toBlocks(outcome.update) as never });
      } else if (container.type === 'view') {
        await publishHome(actor);
      } else {
        await reply(respond, outcome.update, true);
      }
    }
    if (outcome.reply) {
      if (container.type === 'view') {
        await client.chat.postMessage({ channel: await port.dmChannel(body.user.id), text: fallbackText(outcome.reply), blocks: toBlocks(outcome.reply) as never });
      } else {
        await reply(respond, outcome.reply);
      }
    }
  });

  app.view(FORM_PATTERN, async ({ ack, body, view }) => {
    const actor = await identify(body.user.id, body.team?.id ?? body.user.team_id);
    const values = formValues(view.state.values);
    const errors = core.router.validate(actor, view.callback_id, values);
    if (errors) return void (await ack({ response_action: 'errors', errors }));
    await ack({ response_action: 'update', view: viewModal(textView(actor.t.t('common.saving'), 'muted', view.title.text), actor.t.t('schedule.cancel')) as never });
    const outcome = await core.router.submit(actor, view.callback_id, view.private_metadata, values);
    if (outcome.errors) {
      await client.views.update({ view_id: view.id, view: viewModal(textView(Object.values(outcome.errors).join('\n'), 'error', view.title.text), actor.t.t('schedule.cancel')) as never });
      return;
    }
    if (outcome.done) await client.views.update({ view_id: view.id, view: viewModal(outcome.done, actor.t.t('schedule.cancel')) as never });
  });

  const publishHome = async (actor: Actor) => {
    const blocks = [];
    if (actor.individuId === null) {
      blocks.push(...toBlocks(textView(actor.person.email ? actor.t.t('errors.notLinked', { email: actor.person.email }) : actor.t.t('errors.noEmail'), 'warning')));
    } else {
      const overview = await core.router.overview(actor);
      const hours = await core.schedules.view(actor, actor).catch(() => textView(actor.t.t('errors.oceanUnavailable'), 'warning'));
      blocks.push(...toBlocks(overview, 60), { type: 'divider' }, ...toBlocks(hours, 39));
    }
    await client.views.publish({ user_id: actor.person.chat_user_id, view: { type: 'home', blocks: blocks.slice(0, LIMITS.surfaceBlocks) } as never });
  };

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const actor = await identify(event.user, (body as { team_id?: string }).team_id);
    await publishHome(actor);
  });

  app.error(async (error) => {
    core.logger.error({ err: error.message, code: (error as { code?: string }).code }, 'Slack handler failed');
  });

  const sweep = setInterval(() => void core.store.forgetSightings(new Date(core.clock.now().getTime() - 10 * 60_000)).catch(() => undefined), 60_000);
  sweep.unref();

  return {
    app,
    port,
    async start() {
      if (settings.appToken) await app.start();
    },
    async stop() {
      clearInterval(sweep);
      if (settings.appToken) await app.stop();
    },
  };
}

/**
 * Bolt checks the signature and that the timestamp is within 5 minutes; within those 5 minutes
 * the same signed request could be sent again. Each correctly signed request is accepted once
 * (recorded in the store, so across instances); a second sighting gets 401. Only verified
 * requests are recorded, so a tampered copy cannot block the genuine one. The raw body is
 * handed to Bolt as `req.rawBody`, which its receiver reads instead of the stream.
 */
function replayGuard(core: Core, signingSecret: string) {
  const readRaw = expressRaw({ type: () => true, limit: '1mb' });
  return (req: Request, res: Response, next: NextFunction) => {
    readRaw(req, res, (error?: unknown) => {
      if (error) {
        const status = (error as { status?: number }).status;
        return void res.status(status === 413 ? 413 : 400).send();
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      (req as unknown as { rawBody: Buffer }).rawBody = raw;
      const signature = req.header('x-slack-signature') ?? '';
      const timestamp = Number(req.header('x-slack-request-timestamp'));
      const valid = isValidSlackRequest({ signingSecret, body: raw.toString('utf8'), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
      if (!valid) return next(); // Bolt answers 401 and logs it
      core.store
        .firstSighting(`${timestamp}:${signature}`)
        .then((first) => {
          if (first) return next();
          core.logger.warn({ requestId: (req as unknown as { id?: string }).id }, 'replayed Slack request refused');
          res.status(401).send();
        })
        .catch(next);
    });
  };
}

function boltLogger(core: Core): BoltLogger {
  const log = core.logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => log.debug(msg.map(String).join(' ')),
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

