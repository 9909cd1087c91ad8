import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Service } from '../../adapters/service';
import { loadConfig } from '../../src/config';
import { boot } from '../../src/main';
import { yesterday } from '../../src/ocean/dates';
import { EXCEPTIONAL_PRIVATE_INDEX, RECURRING_PRIVATE_INDEXES, SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import type { Block, FormView, View } from '../../src/views/views';
import { eventually } from '../support/service';
import { copyTemplateInto } from '../support/test-store';

const ZONE = 'Europe/Paris';

interface Message {
  id: string;
  from: 'bot' | 'user';
  view?: View;
}

/** The sandbox's web chat, over HTTP, as its page uses it. */
async function api<T>(service: Service, route: string, body?: unknown): Promise<T> {
  const response = await fetch(
    `${service.url}/web/api/${route}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function command(service: Service, as: string, text: string): Promise<View[]> {
  const { messages } = await api<{ messages: Message[] }>(service, 'command', { as, text });
  return messages.flatMap((m) => (m.view ? [m.view] : []));
}

function actionOf(view: View, actionId: string): { actionId: string; label: string; value: string } | undefined {
  for (const block of view.blocks) {
    const actions = block.type === 'item' || block.type === 'actions' ? block.actions : [];
    const found = actions?.find((a) => a.actionId === actionId);
    if (found) return found;
  }
  return undefined;
}

async function fillForm(service: Service, as: string, view: View, actionId: string, values: Record<string, string>): Promise<void> {
  const action = actionOf(view, actionId)!;
  const { form } = await api<{ form?: FormView }>(service, 'action', { as, actionId: action.actionId, value: action.value });
  const submitted = await api<{ errors?: Record<string, string> }>(service, 'submit', { as, formId: form!.formId, state: form!.state, values });
  expect(submitted.errors).toBeUndefined();
}

/** The report's figures for yesterday, as the manager reads them: the totals and the table. */
async function reportFigures(service: Service, manager: string): Promise<unknown> {
  // "Preparing the report…", then the report.
  const view = (await command(service, manager, 'privacy-report hier')).pop();
  return view!.blocks.filter((b): b is Extract<Block, { type: 'fields' | 'table' }> => b.type === 'fields' || b.type === 'table');
}

describe('a restart of the sandbox', () => {
  let dataDir: string;
  let service: Service | undefined;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-restart-'));
    await copyTemplateInto(dataDir);
  });
  afterAll(async () => {
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const start = () => boot(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));

  it('is invisible: a delivered answer, an edited schedule, a new exceptional period and the report figures are all still there', async () => {
    service = await start();
    const sim = service.simulator!;
    const day = yesterday(new Date(), ZONE);
    const skip = new Set<number>([0, ...RECURRING_PRIVATE_INDEXES, ...SHARED_VEHICLE_INDEXES, EXCEPTIONAL_PRIVATE_INDEX]);
    const driver = sim.fleet.drivers.find((d) => !skip.has(d.index) && d.email && d.vehicleId && sim.fleet.trips(d.vehicleId, day, ZONE).length > 0)!;
    const me = driver.email!;
    const manager = sim.fleet.byIndex(0).email!;
    const nothingAnswered = await reportFigures(service, manager);

    // The driver answers "private" for a trip of yesterday; Ocean takes it.
    await api(service, 'send-prompts', { as: me });
    const prompt = (await api<Message[]>(service, `conversation?as=${encodeURIComponent(me)}`)).find((m) => m.view && actionOf(m.view, 'trip_answer'))!;
    const privateButton = prompt.view!.blocks.flatMap((b) => (b.type === 'item' ? (b.actions ?? []) : [])).find((a) => a.label === 'Privé')!;
    await api(service, 'action', { as: me, messageId: prompt.id, actionId: privateButton.actionId, value: privateButton.value });
    const recorded = (messages: Message[]) => JSON.stringify(messages.find((m) => m.id === prompt.id)?.view).includes('enregistré à');
    await eventually(async () => recorded(await api<Message[]>(service!, `conversation?as=${encodeURIComponent(me)}`)), 15_000);
    const [marked] = [...sim.state.tripMarks];
    expect(marked?.[1]).toBe(true);

    // They change their weekly hours and add a period of leave next month.
    const [schedule] = await command(service, me, 'privacy schedule');
    const week = {
      LUNDI: '12:00-13:30',
      MARDI: '12:00-13:30',
      MERCREDI: '',
      JEUDI: '',
      VENDREDI: '18:30-23:59',
      SAMEDI: '00:00-23:59',
      DIMANCHE: '00:00-23:59',
    };
    await fillForm(service, me, schedule!, 'schedule_edit', week);
    const leave = new Date(Date.now() + 35 * 86_400_000);
    const ddmmyyyy = (d: Date) => d.toLocaleDateString('fr-FR', { timeZone: ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
    await fillForm(service, me, schedule!, 'period_add', {
      description: 'Congés',
      from: ddmmyyyy(leave),
      to: ddmmyyyy(new Date(leave.getTime() + 2 * 86_400_000)),
    });
    const [hours] = await command(service, me, 'privacy schedule');
    expect(JSON.stringify(hours)).toContain('12:00–13:30');
    expect(JSON.stringify(hours)).toContain('Congés');
    const figures = await reportFigures(service, manager);
    expect(figures).not.toEqual(nothingAnswered);

    await service.stop();
    service = await start();

    // Ocean still holds the answer, the hours and the period; the report reads the same.
    expect([...service.simulator!.state.tripMarks]).toEqual([marked]);
    expect(await command(service, me, 'privacy schedule')).toEqual([hours]);
    expect(await reportFigures(service, manager)).toEqual(figures);
    expect(recorded(await api<Message[]>(service, `conversation?as=${encodeURIComponent(me)}`))).toBe(true);
  }, 120_000);
});
