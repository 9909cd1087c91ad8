import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Core } from '../../src/app';
import type { Block, FormView, View } from '../../src/views/views';
import { translator } from '../../src/i18n';
import type { Actor } from '../../src/privacy/people';
import { yesterday } from '../../src/ocean/dates';
import type { OceanSimulator } from '../../src/sandbox/simulator';
import { PAGE } from './page';
import { WebPort } from './port';

/*
 * The local web chat of sandbox mode: a third adapter that renders the same views as Slack and
 * Teams, for trying the product with no workspace, tenant or Ocean account. Who you are is a
 * choice on the page (the seeded fleet), so it is served in sandbox mode only.
 */

const As = z.string().min(1).max(120);
const CommandBody = z.object({ as: As, text: z.string().max(500) });
const ActionBody = z.object({ as: As, messageId: z.string().max(100).optional(), actionId: z.string().max(50), value: z.string().max(2000) });
const SubmitBody = z.object({ as: As, formId: z.string().max(50), state: z.string().max(200), values: z.record(z.string(), z.string().max(500)) });
const PromptsBody = z.object({ as: As.optional() });

interface WebPerson {
  key: string;
  name: string;
  email: string | null;
  role: 'driver' | 'manager';
  note: string;
}

export function mountWebChat(app: Express, core: Core, simulator: OceanSimulator): WebPort {
  const files = new Map<string, { name: string; mime: string; data: Buffer }>();
  const people: WebPerson[] = simulator.fleet.drivers.map((d) => ({
    key: d.email ?? `sans-email-${d.index}`,
    name: `${d.firstName} ${d.lastName}`,
    email: d.email,
    role: d.email && core.config.managerEmails.includes(d.email) ? 'manager' : 'driver',
    note: [d.vehicleId ? '' : 'no vehicle', d.email ? '' : 'no e-mail', simulator.fleet.vehicle(d.vehicleId ?? -1)?.driverIds.length === 2 ? 'shared vehicle' : ''].filter(Boolean).join(', '),
  }));

  const port = new WebPort((email) => people.find((p) => p.email === email));
  core.ports.register(port);

  const serialise = (view: View) => ({
    ...view,
    blocks: view.blocks.map((block: Block) => {
      if (block.type === 'image') return { type: 'image', alt: block.alt, src: `data:image/png;base64,${block.png.toString('base64')}` };
      if (block.type === 'file') {
        const id = randomUUID();
        files.set(id, { name: block.name, mime: block.mime, data: block.data });
        if (files.size > 200) files.delete(files.keys().next().value as string);
        return { type: 'file', title: block.title, name: block.name, href: `/web/api/files/${id}` };
      }
      return block;
    }),
  });

  /** The sandbox person `key` (the request `req`'s id goes with their Ocean calls). */
  const actorFor = async (key: string, req?: Request): Promise<Actor | undefined> => {
    const person = people.find((p) => p.key === key);
    if (!person) return undefined;
    return core.people.identify({ platform: 'web', workspaceId: 'sandbox', chatUserId: person.key, email: person.email, displayName: person.name }, (req as unknown as { id?: string } | undefined)?.id);
  };

  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    fn(req, res).catch((error: unknown) => {
      core.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'web chat request failed');
      if (!res.headersSent) res.status(500).json({ error: translator(core.config.defaultLocale).t('errors.generic') });
    });
  };

  const parse = <T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) res.status(400).json({ error: 'invalid request' });
    return parsed.success ? parsed.data : undefined;
  };

  const router = express.Router();
  router.use(express.json({ limit: '32kb' }));
  router.get('/people', (_req, res) => {
    res.json(people);
  });
  router.get('/inbox', handle(async (req, res) => {
    const actor = await actorFor(String(req.query.as ?? ''));
    if (!actor) return void res.status(404).json({ error: 'unknown person' });
    res.json(port.inbox(actor.person.id).map((m) => ({ id: m.id, at: m.at, view: serialise(m.view) })));
  }));
  router.post('/command', handle(async (req, res) => {
    const body = parse(CommandBody, req, res);
    if (!body) return;
    const actor = await actorFor(body.as, req);
    if (!actor) return void res.status(404).json({ error: 'unknown person' });
    const parsed = core.router.parseLine(body.text);
    if (!parsed.ok) return void res.json({ views: [serialise(core.router.parseErrorView(parsed, actor.t))] });
    const views: View[] = [];
    const ack = core.router.acknowledge(actor, parsed.command);
    if (ack) views.push(ack);
    if (!core.router.refused(actor, parsed.command)) {
      views.push(await core.router.run(actor, parsed.command, async (target) => {
        if (target.kind !== 'email') return undefined;
        const found = people.find((p) => p.email === target.email);
        return found ? (await actorFor(found.key))?.person : undefined;
      }));
    }
    res.json({ views: views.map(serialise) });
  }));
  router.post('/action', handle(async (req, res) => {
    const body = parse(ActionBody, req, res);
    if (!body) return;
    const actor = await actorFor(body.as, req);
    if (!actor) return void res.status(404).json({ error: 'unknown person' });
    const outcome = await core.router.action(actor, body.actionId, body.value);
    if (outcome.update && body.messageId) port.replace(actor.person.id, body.messageId, outcome.update);
    res.json({ update: outcome.update && serialise(outcome.update), reply: outcome.reply && serialise(outcome.reply), form: outcome.form as FormView | undefined });
  }));
  router.post('/submit', handle(async (req, res) => {
    const body = parse(SubmitBody, req, res);
    if (!body) return;
    const actor = await actorFor(body.as, req);
    if (!actor) return void res.status(404).json({ error: 'unknown person' });
    const outcome = await core.router.submit(actor, body.formId, body.state, body.values);
    res.json({ errors: outcome.errors, done: outcome.done && serialise(outcome.done) });
  }));
  router.post('/send-prompts', handle(async (req, res) => {
    const body = parse(PromptsBody, req, res);
    if (!body) return;
    // Make sure the chosen person is known (and linked) before the run looks for drivers.
    if (body.as) await actorFor(body.as);
    const report = await core.dailyRun.run(yesterday(core.clock.now(), core.config.timezone));
    res.json({ day: report.day, outcomes: report.outcomes });
  }));
  router.get('/files/:id', (req, res) => {
    const file = files.get(req.params.id ?? '');
    if (!file) return void res.status(404).end();
    res.setHeader('content-type', file.mime === 'text/csv' ? 'text/csv; charset=utf-8' : file.mime);
    res.setHeader('content-disposition', `attachment; filename="${file.name.replace(/[^\w.\-]/g, '_')}"`);
    res.send(file.data);
  });
  app.use('/web/api', router);
  app.get('/', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'");
    res.send(PAGE);
  });
  return port;
}
