import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { App, HTTPModuleFunctions, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction, type Context, type Logger as BoltLogger, type SlackCommandMiddlewareArgs } from '@slack/bolt';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { request } from 'undici';
import type { Core } from '../../src/app';
import type { Target } from '../../src/chat/commands';
import { textView, type View } from '../../src/views/views';
import type { Actor } from '../../src/privacy/people';
import type { Person } from '../../src/store';
import { supportedLocale, translator, type Locale } from '../../src/i18n';
import type { AfterAck } from '../after-ack';
import { fallbackText, formValues, toBlocks, toModal, viewModal, LIMITS } from './blocks';
import { SlackPort } from './port';

export interface SlackTransport {
  app: App;
  port: SlackPort;
  /** Serves POST /slack/events (HTTP mode; undefined in Socket Mode). */
  listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type SlashCommand = SlackCommandMiddlewareArgs['command'];

/** Our slash commands (the manifest's). */
const COMMAND_PATTERN = /^\/(privacy|privacy-report)$/;
const ACTION_PATTERN = /^(trip_answer|prompt_page|schedule_edit|schedule_show|period_add|period_delete):\d+$/;
const FORM_PATTERN = /^(schedule_form|period_form)$/;
const PROFILE_TTL_MS = 60 * 60_000;

/**
 * The Slack transport. Every request on POST /slack/events has its signature and 5-minute window
 * checked, and a replay is refused, before Bolt sees it (see `slackDoor`). Every command and
 * action is acknowledged at once; the work happens after `ack()`, in the after-ack queue (which
 * yields to acknowledgements and, when full, has the ack say "busy"), and answers through
 * `respond()`, `chat.update`, `views.update` or a DM.
 */
export async function mountSlack(core: Core, afterAck: AfterAck): Promise<SlackTransport> {
  const settings = core.config.slack;
  if (!settings) throw new Error('Slack is not configured');
  const logger = boltLogger(core);
  const clientOptions = {
    slackApiUrl: settings.apiUrl ? `${settings.apiUrl.replace(/\/+$/, '')}/` : undefined,
    retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true },
  };
  let app: App;
  let listener: SlackTransport['listener'];
  if (settings.appToken) {
    app = new App({ token: settings.botToken, appToken: settings.appToken, socketMode: true, logger, clientOptions, convoStore: false });
  } else {
    // Bolt's plain Node receiver, served by our HTTP server in front of Express: an
    // acknowledgement goes through no router, no body parser but the one that keeps the raw body.
    const receiver = new HTTPReceiver({
      signingSecret: settings.signingSecret,
      // Checked once, by the door (`slackDoor`), which answers 401 itself.
      signatureVerification: false,
      customPropertiesExtractor: (req) => ({ sighting: (req as unknown as { slackSighting?: string }).slackSighting, requestId: (req as unknown as { id?: string }).id }),
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
    // No conversation store: nothing here keeps state in Bolt between requests.
    app = new App({ token: settings.botToken, receiver, logger, clientOptions, convoStore: false, tokenVerificationEnabled: false, botUserId: 'U_BOT', botId: 'B_BOT' });
    listener = slackDoor(core, settings.signingSecret, receiver.requestListener, (raw) => shedAtTheDoor(raw));
  }
  const client = app.client as WebClient;
  client.on(WebClientEvent.RATE_LIMITED, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  // Direct messages (the daily fan-out) go through their own client, paced by the port.
  const bulk = new WebClient(settings.botToken, { ...clientOptions, rejectRateLimitedCalls: true, logger: logger as never });
  const port = new SlackPort(bulk, () => core.metrics.chatRateLimited.inc({ platform: 'slack' }));
  core.ports.register(port);

  const profiles = new Map<string, { at: number; email: string | null; locale: string | null; name: string | null }>();
  /** The language each user was last answered in, for the "busy" acknowledgement (no look-up then). */
  const languages = new Map<string, Locale>();
  const busy = { fr: translator('fr').t('errors.busy'), en: translator('en').t('errors.busy') };
  const languageOf = (userId: string): Locale => languages.get(userId) ?? supportedLocale(profiles.get(userId)?.locale) ?? core.config.defaultLocale;
  const busyText = (userId: string) => busy[languageOf(userId)];
  /** The "busy" acknowledgement of a slash command, as its JSON body. */
  const busyAcks = { fr: JSON.stringify({ response_type: 'ephemeral', text: busy.fr }), en: JSON.stringify({ response_type: 'ephemeral', text: busy.en }) };
  const busyAck = (userId: string) => busyAcks[languageOf(userId)];
  /**
   * Load shedding at the door: when the work queue is full, one of our slash commands gets its
   * "busy" acknowledgement before Bolt runs (what Bolt would answer, at a fraction of the cost:
   * under overload the refusals are most of the traffic). The body is a signed, fresh form; the
   * answer is in the user's language when they were seen before. Anything else goes on to Bolt.
   */
  const shedAtTheDoor = (raw: Buffer): string | undefined => {
    if (!afterAck.full) return undefined;
    const form = parseQuery(raw.toString('utf8'));
    const command = form.command;
    const userId = form.user_id;
    if (typeof command !== 'string' || !COMMAND_PATTERN.test(command) || typeof userId !== 'string') return undefined;
    afterAck.shed();
    return busyAck(userId);
  };
  /**
   * True the first time any instance acts on this signed request (the store records it). The
   * guard already refused what this instance saw before; this catches a replay sent to another
   * instance. Socket Mode requests carry no signature: Slack sends each once.
   */
  const firstTime = async (context: Context): Promise<boolean> => {
    const sighting = (context as { sighting?: string }).sighting;
    if (!sighting || (await core.store.firstSighting(sighting))) return true;
    core.logger.warn('replayed Slack request ignored');
    return false;
  };
  /** Queues `work` after the acknowledgement, done unless another instance acted on this request; false when the queue is full. */
  const later = (context: Context, work: () => Promise<unknown>) =>
    afterAck.offer(async () => {
      if (await firstTime(context)) await work();
    });
  /** Who the Slack user is for Ocean: users.info gives the e-mail and locale (cached an hour). */
  const identify = async (context: Context, userId: string, teamId: string | undefined): Promise<Actor> => {
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
    const requestId = (context as { requestId?: string }).requestId;
    const actor = await core.people.identify({ platform: 'slack', workspaceId: teamId ?? 'unknown', chatUserId: userId, email: profile?.email, locale: profile?.locale, displayName: profile?.name }, requestId);
    languages.set(userId, actor.locale);
    return actor;
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

  const reply = async (respond: Respond, view: View, replaceOriginal = false) => {
    await respond({ response_type: 'ephemeral', replace_original: replaceOriginal, text: fallbackText(view), blocks: toBlocks(view) as never });
  };

  app.command(COMMAND_PATTERN, async ({ command, ack, context }) => {
    const queued = later(context, () => runCommand(context, command, responder(command.response_url)));
    await ack(queued ? undefined : { response_type: 'ephemeral', text: busyText(command.user_id) });
  });

  const runCommand = async (context: Context, command: SlashCommand, respond: Respond) => {
    const actor = await identify(context, command.user_id, command.team_id);
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
  };

  app.action(ACTION_PATTERN, async ({ ack, body, action, context }) => {
    await ack();
    const button = action as { type?: string; action_id?: string; value?: string };
    if (body.type !== 'block_actions' || button.type !== 'button' || !button.action_id) return;
    const respond = responder(body.response_url);
    const queued = later(context, () => runAction(context, body, button as ButtonAction, respond));
    // App Home buttons have no response_url: the click simply does nothing then.
    if (!queued && body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text: busyText(body.user.id) });
  });

  const runAction = async (context: Context, body: BlockAction, button: ButtonAction, respond: Respond) => {
    const actor = await identify(context, body.user.id, body.team?.id ?? body.user.team_id);
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
  };

  app.view(FORM_PATTERN, async ({ ack, body, view, context }) => {
    const actor = await identify(context, body.user.id, body.team?.id ?? body.user.team_id);
    const values = formValues(view.state.values);
    const errors = core.router.validate(actor, view.callback_id, values);
    if (errors) return void (await ack({ response_action: 'errors', errors }));
    await ack({ response_action: 'update', view: viewModal(textView(actor.t.t('common.saving'), 'muted', view.title.text), actor.t.t('schedule.cancel')) as never });
    if (!(await firstTime(context))) return;
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

  app.event('app_home_opened', async ({ event, body, context }) => {
    if (event.tab !== 'home') return;
    const queued = later(context, async () => publishHome(await identify(context, event.user, (body as { team_id?: string }).team_id)));
    // Opened again later, the tab is published then.
    if (!queued) core.logger.warn('App Home not published: the work queue is full');
  });

  app.error(async (error) => {
    core.logger.error({ err: error.message, code: (error as { code?: string }).code }, 'Slack handler failed');
  });

  const sweep = setInterval(() => void core.store.forgetSightings(new Date(core.clock.now().getTime() - 10 * 60_000)).catch(() => undefined), 60_000);
  sweep.unref();

  return {
    app,
    port,
    listener,
    async start() {
      if (settings.appToken) await app.start();
    },
    async stop() {
      clearInterval(sweep);
      if (settings.appToken) await app.stop();
    },
  };
}

type Respond = (message: Record<string, unknown>) => Promise<void>;

/**
 * Answers through a request's `response_url` (valid 30 minutes, 5 answers): one JSON POST on
 * undici's pooled keep-alive connections, which costs far less than Bolt's `respond()` (axios)
 * when many answers go out at once.
 */
function responder(url: string | undefined): Respond {
  return async (message) => {
    if (!url) throw new Error('this request has no response_url');
    const { statusCode, body } = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    await body.dump();
    if (statusCode >= 300) throw new Error(`response_url answered HTTP ${statusCode}`);
  };
}

/** How long Slack's signature stays valid either side of now (Bolt's window too). */
const WINDOW_S = 5 * 60;
/** Signatures this instance remembers without asking the store (about 30 MB at most). */
const RECENT_MAX = 200_000;

/**
 * The signatures this instance has seen, for as long as a copy could still pass the 5-minute
 * window (10 minutes from the first sighting at most). Two generations of a Set: when the
 * current one is 10 minutes old or holds half the bound, it becomes the previous one and the
 * older is dropped. Constant time per request, whatever the load (a Map trimmed from its oldest
 * end is not: each trim walks over the entries deleted before). Beyond the bound the store
 * still catches a replay, after the acknowledgement.
 */
function recentSignatures(): (key: string, nowS: number) => boolean {
  let current = new Set<string>();
  let previous = new Set<string>();
  let since = -Infinity;
  return (key, nowS) => {
    if (current.has(key) || previous.has(key)) return false;
    if (current.size >= RECENT_MAX / 2 || nowS - since >= 2 * WINDOW_S) {
      previous = current;
      current = new Set();
      since = nowS;
    }
    current.add(key);
    return true;
  };
}

/** Largest Slack request body accepted (Slack's own are a few kilobytes; modal states more). */
const BODY_LIMIT = 1024 * 1024;

/**
 * The door of POST /slack/events, in front of Bolt: the signature and its 5-minute window (also
 * refused: timestamps more than 5 minutes ahead) are checked once, here (`signedBySlack`);
 * anything else gets 401 and leaves no trace. Within its window the same
 * signed request could be sent again: a copy seen by this instance gets 401 at once from memory,
 * without waiting on the store, so the acknowledgement costs no database round trip. The
 * signature goes on to Bolt's context as `sighting`, and listeners ask the store (`firstTime`)
 * before acting, which catches a copy sent to another instance. Only verified requests are
 * remembered, so a tampered copy cannot block the genuine one. When the work queue is full,
 * `shed` may answer a slash command "busy" here (see `shedAtTheDoor`). Otherwise Bolt reads the
 * raw body from `req.rawBody`, where Bolt's own `bufferIncomingMessage` left it.
 */
function slackDoor(core: Core, signingSecret: string, bolt: (req: IncomingMessage, res: ServerResponse) => void, shed: (raw: Buffer) => string | undefined) {
  const remember = recentSignatures();
  const refuse = (res: ServerResponse, status: number) => {
    res.writeHead(status);
    res.end();
  };
  const admit = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    // Slack's clock, not the service's (tests may run the service on a fixed clock).
    const nowS = Math.floor(Date.now() / 1000);
    const requestId = (req as unknown as { id?: string }).id;
    if (typeof signature !== 'string' || !signedBySlack(signingSecret, raw, signature, timestamp, nowS)) {
      core.logger.warn({ requestId }, 'Slack request with a wrong or stale signature refused');
      return refuse(res, 401);
    }
    const key = `${timestamp}:${signature}`;
    if (!remember(key, nowS)) {
      core.logger.warn({ requestId }, 'replayed Slack request refused');
      return refuse(res, 401);
    }
    const busy = req.headers['content-type'] === 'application/x-www-form-urlencoded' ? shed(raw) : undefined;
    if (busy !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(busy);
    }
    // Bolt's receiver reads the body from `req.rawBody`, where bufferIncomingMessage put it.
    (req as unknown as { slackSighting: string }).slackSighting = key;
    bolt(req, res);
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT).then(
      (buffered) => admit(req, res, buffered.rawBody),
      // The rest of the body is not read: the connection closes after the answer.
      (error: unknown) => {
        res.setHeader('connection', 'close');
        refuse(res, (error as { status?: number }).status === 413 ? 413 : 400);
      },
    );
  };
}

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`, the timestamp within 5 minutes of now.
 * Compared in constant time with Node's `timingSafeEqual` on equal-length buffers.
 */
function signedBySlack(secret: string, raw: Buffer, signature: string, timestamp: number, nowS: number): boolean {
  if (!Number.isInteger(timestamp) || Math.abs(nowS - timestamp) > WINDOW_S) return false;
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signature.slice(3), 'hex'));
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

