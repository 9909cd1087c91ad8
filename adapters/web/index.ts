import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Core } from '../../src/app';
import type { ActionOutcome } from '../../src/chat/router';
import { translator } from '../../src/i18n';
import { yesterday } from '../../src/ocean/dates';
import { seedSandboxHistory } from '../../src/privacy/daily';
import type { ChatRequest } from '../../src/privacy/people';
import type { OceanSimulator } from '../../src/sandbox/simulator';
import type { Block, View } from '../../src/views/views';
import { isLoopbackAddress, isLoopbackHost } from '../http';
import { FAVICON, PAGE } from './page';
import { type WebMessage, type WebPerson, WebPort } from './port';

/*
 * The local web chat of sandbox mode: a third adapter that renders the same views as Slack and
 * Teams, for trying the product with no workspace, tenant or Ocean account. Who you are is a
 * choice on the page (the seeded fleet), so it answers only this machine: loopback clients
 * asking for a loopback host, whatever address the server listens on.
 */

const As = z.string().min(1).max(120);
const CommandBody = z.object({ as: As, text: z.string().max(500) });
const ActionBody = z.object({ as: As, messageId: z.string().max(100).optional(), actionId: z.string().max(50), value: z.string().max(2000) });
const SubmitBody = z.object({ as: As, formId: z.string().max(50), state: z.string().max(200), values: z.record(z.string(), z.string().max(500)) });
const PromptsBody = z.object({ as: As.optional() });

interface Chooser extends WebPerson {
  role: 'driver' | 'manager';
  note: string;
}

export function mountWebChat(app: Express, core: Core, simulator: OceanSimulator): WebPort {
  const files = new Map<string, { name: string; mime: string; data: Buffer }>();
  const people: Chooser[] = simulator.fleet.drivers.map((d) => ({
    key: d.email ?? `sans-email-${d.index}`,
    name: `${d.firstName} ${d.lastName}`,
    email: d.email,
    role: core.scopes.isManager(d.email) ? 'manager' : 'driver',
    note: [
      siteOf(core, d.email),
      d.vehicleId ? '' : 'sans véhicule',
      d.email ? '' : 'sans e-mail',
      simulator.fleet.vehicle(d.vehicleId ?? -1)?.driverIds.length === 2 ? 'véhicule partagé' : '',
    ]
      .filter(Boolean)
      .join(', '),
  }));
  const port = new WebPort(people, path.join(core.config.dataDir, 'web-chat.json'));
  core.ports.register(port);

  /** What the page gets: images inline, files as links to this server. */
  const serialise = (message: WebMessage) => {
    if (!message.view) return message;
    return {
      ...message,
      view: {
        ...message.view,
        blocks: message.view.blocks.map((block: Block) => {
          if (block.type === 'image') return { type: 'image', alt: block.alt, src: `data:image/png;base64,${Buffer.from(block.png).toString('base64')}` };
          if (block.type === 'file') {
            const id = randomUUID();
            files.set(id, { name: block.name, mime: block.mime, data: Buffer.from(block.data) });
            if (files.size > 200) files.delete(files.keys().next().value as string);
            return { type: 'file', title: block.title, name: block.name, href: `/web/api/files/${id}` };
          }
          return block;
        }),
      },
    };
  };

  const request = (key: string, req: Request): ChatRequest => ({
    user: { platform: 'web', workspaceId: 'sandbox', chatUserId: key },
    requestId: (req as unknown as { id?: string }).id,
    profile: async (userId) => {
      const person = people.find((p) => p.key === userId);
      return person && { chatUserId: person.key, email: person.email, displayName: person.name };
    },
  });
  const show = (key: string) => async (view: View) => {
    const message = port.append(key, { from: 'bot', view });
    return { platform: 'web' as const, messageId: message.id };
  };
  const shown = (key: string, since: number) => port.conversation(key).slice(since).map(serialise);

  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    fn(req, res).catch((error: unknown) => {
      core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'web chat request failed');
      if (!res.headersSent) res.status(500).json({ error: translator(core.config.defaultLocale).t('errors.generic') });
    });
  };
  /** The body as the schema says, or a 400 (and undefined); an unknown person is a 404. */
  const parse = <T extends { as?: string }>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid request' });
    if (parsed.data.as !== undefined && !people.some((p) => p.key === parsed.data.as)) return void res.status(404).json({ error: 'unknown person' });
    return parsed.data;
  };

  const router = express.Router();
  router.use(express.json({ limit: '32kb' }));
  router.get('/people', (_req, res) => {
    res.json(people);
  });
  router.get(
    '/conversation',
    handle(async (req, res) => {
      const key = String(req.query.as ?? '');
      if (!people.some((p) => p.key === key)) return void res.status(404).json({ error: 'unknown person' });
      // A first conversation opens with a welcome saying what to try.
      if (!port.conversation(key).length) port.append(key, { from: 'bot', view: await core.router.welcome(request(key, req)) });
      res.json(port.conversation(key).map(serialise));
    }),
  );
  router.post(
    '/command',
    handle(async (req, res) => {
      const body = parse(CommandBody, req, res);
      if (!body) return;
      const since = port.conversation(body.as).length;
      port.append(body.as, { from: 'user', text: body.text });
      await core.router.typed(request(body.as, req), { text: body.text }, show(body.as));
      res.json({ messages: shown(body.as, since) });
    }),
  );
  router.post(
    '/action',
    handle(async (req, res) => {
      const body = parse(ActionBody, req, res);
      if (!body) return;
      const since = port.conversation(body.as).length;
      const here =
        body.messageId && port.conversation(body.as).some((m) => m.id === body.messageId) ? { platform: 'web' as const, messageId: body.messageId } : undefined;
      let outcome: ActionOutcome = {};
      const click = await core.router.clicked(request(body.as, req), body.actionId, body.value, { message: here });
      await click.finish(async (result) => {
        outcome = result;
        if (result.update && here) port.replace(body.as, here.messageId, result.update);
        else if (result.update) port.append(body.as, { from: 'bot', view: result.update });
        if (result.reply) port.append(body.as, { from: 'bot', view: result.reply });
      });
      res.json({
        messages: shown(body.as, since),
        updated: here && outcome.update ? serialise(port.conversation(body.as).find((m) => m.id === here.messageId) as WebMessage) : undefined,
        form: outcome.form,
      });
    }),
  );
  router.post(
    '/submit',
    handle(async (req, res) => {
      const body = parse(SubmitBody, req, res);
      if (!body) return;
      const outcome = await core.router.submitted(request(body.as, req), body.formId, body.state, body.values);
      const since = port.conversation(body.as).length;
      if (outcome.done) port.append(body.as, { from: 'bot', view: outcome.done });
      res.json({ errors: outcome.errors, messages: shown(body.as, since) });
    }),
  );
  router.post(
    '/send-prompts',
    handle(async (req, res) => {
      const body = parse(PromptsBody, req, res);
      if (!body) return;
      // The chosen person is met (and linked) before the run looks for drivers.
      if (body.as) await core.router.met(request(body.as, req));
      const day = yesterday(core.clock.now(), core.config.timezone);
      // A few weeks of answers for some drivers: their messages show suggestions at once.
      await seedSandboxHistory(core.store, simulator.fleet, day, core.config.timezone);
      const report = await core.dailyRun.run(day);
      res.json({ day: report.day, outcomes: report.outcomes });
    }),
  );
  router.get('/files/:id', (req, res) => {
    const file = files.get(req.params.id ?? '');
    if (!file) return void res.status(404).end();
    res.setHeader('content-type', file.mime === 'text/csv' ? 'text/csv; charset=utf-8' : file.mime);
    res.setHeader('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`);
    res.send(file.data);
  });
  app.use('/web/api', localOnly(core), router);
  app.get('/', localOnly(core), (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'");
    res.send(PAGE);
  });
  app.get('/favicon.ico', (_req, res) => {
    res.setHeader('content-type', 'image/svg+xml');
    res.setHeader('cache-control', 'public, max-age=86400');
    res.send(FAVICON);
  });
  return port;
}

/**
 * The web chat lets anyone act as any driver or as the manager: only this machine may use it.
 * The client must be on loopback (HOST=0.0.0.0 changes nothing), and the Host it asked for too
 * (a page of another site that rebinds its name to 127.0.0.1 is refused).
 */
function localOnly(core: Core) {
  return (req: Request, res: Response, next: NextFunction) => {
    const client = req.socket.remoteAddress ?? '';
    const host = req.headers.host ?? '';
    if (isLoopbackAddress(client) && isLoopbackHost(host)) return next();
    core.logger.warn({ client, host: host.slice(0, 100) }, 'web chat request from outside this machine refused');
    res.status(403).type('text/plain').send('The sandbox web chat answers only this machine (http://127.0.0.1).');
  };
}

/** A scoped manager's entities and groups as MANAGERS names them, for the chooser ("périmètre : Agence Lyon"). */
function siteOf(core: Core, email: string | null): string {
  const scope = core.config.managers?.find((m) => m.email === email)?.scope;
  if (!scope || scope === 'fleet') return '';
  return `périmètre : ${scope.map((ref) => ('name' in ref ? ref.name : `#${ref.id}`)).join(', ')}`;
}
