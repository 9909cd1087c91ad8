import { DateTime } from 'luxon';
import type { Clock } from '../../clock';
import type { Translator } from '../../i18n';
import type { Log } from '../../log';
import type { OceanClient } from '../../ocean';
import { WEEKDAYS, type Weekday } from '../../ocean/schemas';
import type { Store } from '../../store';
import { withKeyLock } from '../../store/key-lock';
import { decodePeriodRef, decodeScheduleState, encodePeriodRef, encodeScheduleState } from '../../views/payloads';
import { ACTION_IDS, type ActionOutcome, type Block, FORM_IDS, type FormView, type SubmitOutcome, textView, type View } from '../../views/views';
import { driverName } from '../directory';
import type { Actor } from '../people';
import type { TripsService } from '../trips';
import { PrivateHours, type WeeklyRange } from '../trips';
import { formatRanges, innerMapBody, parseDayField, sameRange, type Week, weekOf } from './form';

export interface ScheduleDeps {
  ocean: OceanClient;
  trips: TripsService;
  store: Store;
  zone: string;
  clock: Clock;
  logger?: Log;
  /** How long a save waits for another save of the same driver (another tab, another instance). */
  lockTimeoutMs?: number;
}

const MONDAY = '2026-11-23';
/**
 * The week shown and edited is the one in force a little ahead: a week saved now starts at the
 * next second (Ocean never changes the past), and must show in the read-back.
 */
const AHEAD_MS = 2 * 60_000;

function weekInForce(hours: PrivateHours, now: Date): WeeklyRange[] {
  return hours.rangesAt(new Date(now.getTime() + AHEAD_MS));
}
const MAX_PERIOD_DAYS = 366;

/**
 * Private-life hours from the chat: a readable week and the coming exceptional periods, a form
 * to edit them, validated before anything reaches Ocean, saved with Ocean's documented calls,
 * and read back. Ocean never changes the past, so neither do we.
 */
export class ScheduleService {
  constructor(private readonly deps: ScheduleDeps) {}

  /** The hours from now on; `asker`'s request id goes with the Ocean calls. */
  private async hours(individuId: number, asker: Actor): Promise<PrivateHours> {
    const now = this.deps.clock.now();
    return this.deps.trips.privateHours(individuId, { from: now, to: new Date(now.getTime() + 400 * 86_400_000) }, asker);
  }

  /** `viewer` sees `subject`'s hours; edit buttons only when they are the same person. */
  async view(viewer: Actor, subject: Actor, lead?: string, leadTone: 'success' | 'error' = 'success'): Promise<View> {
    const t = viewer.t;
    const hours = await this.hours(subject.individuId as number, viewer);
    const now = this.deps.clock.now();
    const own = viewer.person.id === subject.person.id;
    const week = weekOf(weekInForce(hours, now));
    const blocks: Block[] = [];
    if (lead) blocks.push({ type: 'text', text: lead, tone: leadTone });
    blocks.push({ type: 'heading', text: t.t('schedule.recurring') });
    const lines = WEEKDAYS.filter((d) => week[d].length).map((d) => `${dayName(d, t)} ${formatRanges(week[d]).replace(/-/g, '–')}`);
    blocks.push({ type: 'text', text: lines.length ? lines.join('\n') : t.t('schedule.noRecurring') });
    if (own)
      blocks.push({
        type: 'actions',
        actions: [{ actionId: ACTION_IDS.editSchedule, label: t.t('schedule.edit'), value: encodeScheduleState(subject.person.id), style: 'primary' }],
      });
    blocks.push({ type: 'heading', text: t.t('schedule.exceptional') });
    const coming = hours.exceptional.filter((p) => p.end.getTime() > now.getTime());
    if (!coming.length) blocks.push({ type: 'text', text: t.t('schedule.noExceptional') });
    for (const p of coming) {
      const text = t.t('schedule.period', {
        from: t.date(p.start, this.deps.zone),
        to: t.date(new Date(p.end.getTime() - 1), this.deps.zone),
        description: p.description || '—',
      });
      const started = p.start.getTime() <= now.getTime();
      blocks.push({
        type: 'item',
        text,
        status: started ? t.t('schedule.periodStarted') : undefined,
        tone: started ? 'muted' : undefined,
        actions:
          own && !started
            ? [{ actionId: ACTION_IDS.deletePeriod, label: t.t('schedule.deletePeriod'), value: encodePeriodRef(subject.person.id, p.start), style: 'danger' }]
            : [],
      });
    }
    if (own)
      blocks.push({
        type: 'actions',
        actions: [{ actionId: ACTION_IDS.addPeriod, label: t.t('schedule.addPeriod'), value: encodeScheduleState(subject.person.id) }],
      });
    const title = own
      ? t.t('schedule.title')
      : t.t('schedule.titleOf', { name: subject.driver ? driverName(subject.driver) : (subject.person.display_name ?? '') });
    return { summary: title, title, blocks };
  }

  /** A schedule button; `requestKey` makes a replayed deletion change nothing. */
  async action(actor: Actor, actionId: string, value: unknown, requestKey?: string): Promise<ActionOutcome> {
    const t = actor.t;
    if (actor.individuId === null)
      return { reply: textView(actor.person.email ? t.t('errors.notLinked', { email: actor.person.email }) : t.t('errors.noEmail'), 'warning') };
    if (actionId === ACTION_IDS.deletePeriod || actionId === ACTION_IDS.confirmDeletePeriod) {
      const ref = decodePeriodRef(value);
      if (!ref) return { reply: textView(t.t('errors.badButton'), 'error') };
      if (ref.person !== actor.person.id) return { reply: textView(t.t('schedule.onlyOwn'), 'warning') };
      const hours = await this.hours(actor.individuId, actor);
      const period = hours.exceptional.find((p) => p.start.getTime() === ref.start);
      if (!period) return { reply: textView(t.t('errors.badButton'), 'error') };
      if (period.start.getTime() <= this.deps.clock.now().getTime()) return { reply: textView(t.t('schedule.periodStarted'), 'warning') };
      const described = t.t('schedule.period', {
        from: t.date(period.start, this.deps.zone),
        to: t.date(new Date(period.end.getTime() - 1), this.deps.zone),
        description: period.description || '—',
      });
      // Deleting asks first: the period and its private hours are gone for good in Ocean.
      if (actionId === ACTION_IDS.deletePeriod) {
        return {
          update: {
            summary: t.t('schedule.confirmDelete', { period: described }),
            blocks: [
              { type: 'text', text: t.t('schedule.confirmDelete', { period: described }), tone: 'warning' },
              {
                type: 'actions',
                actions: [
                  {
                    actionId: ACTION_IDS.confirmDeletePeriod,
                    label: t.t('schedule.confirmDeleteYes'),
                    value: encodePeriodRef(actor.person.id, period.start),
                    style: 'danger',
                  },
                  { actionId: ACTION_IDS.showSchedule, label: t.t('schedule.confirmDeleteNo'), value: 'show' },
                ],
              },
            ],
          },
        };
      }
      // A replayed confirmation deletes nothing more (the request is claimed before Ocean is asked).
      if (!(await this.deps.store.claim(requestKey))) return {};
      await this.deps.ocean.deleteExceptionalPeriod(period.extensionId, actor);
      await this.deps.store.auditLog.add(actor.ref, 'period.delete', `individu:${actor.individuId}`, { start: period.start.toISOString() });
      return { update: await this.view(actor, actor, t.t('schedule.deleted', { period: described })) };
    }
    const state = decodeScheduleState(value);
    if (!state) return { reply: textView(t.t('errors.badButton'), 'error') };
    if (state.person !== actor.person.id) return { reply: textView(t.t('schedule.onlyOwn'), 'warning') };
    if (actionId === ACTION_IDS.editSchedule)
      return { form: this.scheduleForm(actor, weekOf(weekInForce(await this.hours(actor.individuId, actor), this.deps.clock.now()))) };
    return { form: this.periodForm(actor) };
  }

  scheduleForm(actor: Actor, week: Week, values?: Record<string, string>, errors: Record<string, string> = {}): FormView {
    const t = actor.t;
    return {
      formId: FORM_IDS.schedule,
      state: encodeScheduleState(actor.person.id),
      title: t.t('schedule.formTitle'),
      submitLabel: t.t('schedule.save'),
      cancelLabel: t.t('schedule.cancel'),
      intro: t.t('schedule.formHelp'),
      fields: WEEKDAYS.map((day) => ({
        id: day,
        label: longDayName(day, t),
        value: values?.[day] ?? formatRanges(week[day]),
        placeholder: '00:00-08:00, 18:00-23:59',
        error: errors[day],
        maxLength: 200,
      })),
    };
  }

  periodForm(actor: Actor, values: Record<string, string> = {}, errors: Record<string, string> = {}): FormView {
    const t = actor.t;
    return {
      formId: FORM_IDS.period,
      state: encodeScheduleState(actor.person.id),
      title: t.t('schedule.addPeriod'),
      submitLabel: t.t('schedule.save'),
      cancelLabel: t.t('schedule.cancel'),
      fields: [
        { id: 'description', label: t.t('schedule.descriptionLabel'), value: values.description ?? '', maxLength: 100, error: errors.description },
        { id: 'from', label: t.t('schedule.fromLabel'), value: values.from ?? '', placeholder: '24/12/2026', maxLength: 10, error: errors.from },
        { id: 'to', label: t.t('schedule.toLabel'), value: values.to ?? '', placeholder: '26/12/2026', maxLength: 10, error: errors.to },
      ],
    };
  }

  /** Checks a form without calling Ocean: field errors, or null when it can be saved. */
  validate(t: Translator, formId: string, values: Record<string, unknown>): Record<string, string> | null {
    const text = textOf(values);
    const errors = formId === FORM_IDS.schedule ? this.readWeek(t, text).errors : formId === FORM_IDS.period ? this.readPeriod(t, text).errors : {};
    return Object.keys(errors).length ? errors : null;
  }

  /** The form again, with what was typed and what is wrong with it (platforms without field errors). */
  formAgain(actor: Actor, formId: string, values: Record<string, unknown>, errors: Record<string, string>): FormView {
    const typed = Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    return formId === FORM_IDS.schedule ? this.scheduleForm(actor, weekOf([]), typed, errors) : this.periodForm(actor, typed, errors);
  }

  async submit(actor: Actor, formId: string, stateValue: unknown, values: Record<string, unknown>): Promise<SubmitOutcome> {
    const t = actor.t;
    const state = decodeScheduleState(stateValue);
    if (!state || (formId !== FORM_IDS.schedule && formId !== FORM_IDS.period)) return { done: textView(t.t('errors.badButton'), 'error') };
    if (state.person !== actor.person.id || actor.individuId === null) return { done: textView(t.t('schedule.onlyOwn'), 'warning') };
    const text = textOf(values);
    if (formId === FORM_IDS.schedule) {
      const { week, errors } = this.readWeek(t, text);
      return Object.keys(errors).length ? { errors } : this.saveWeek(actor, actor.individuId, week);
    }
    const { period, errors } = this.readPeriod(t, text);
    return Object.keys(errors).length || !period ? { errors } : this.savePeriod(actor, actor.individuId, period);
  }

  private readWeek(t: Translator, text: (key: string) => string): { week: Week; errors: Record<string, string> } {
    const errors: Record<string, string> = {};
    const week = weekOf([]);
    for (const day of WEEKDAYS) {
      const parsed = parseDayField(text(day), t);
      if ('error' in parsed) errors[day] = parsed.error;
      else week[day] = parsed.ranges;
    }
    return { week, errors };
  }

  private readPeriod(t: Translator, text: (key: string) => string): { period?: { from: Date; to: Date; description: string }; errors: Record<string, string> } {
    const zone = this.deps.zone;
    const errors: Record<string, string> = {};
    const from = DateTime.fromFormat(text('from').trim(), 'd/M/yyyy', { zone });
    const to = DateTime.fromFormat(text('to').trim(), 'd/M/yyyy', { zone });
    if (!from.isValid) errors.from = t.t('schedule.dateFormat');
    if (!to.isValid) errors.to = t.t('schedule.dateFormat');
    if (from.isValid && from.toMillis() <= this.deps.clock.now().getTime()) errors.from = t.t('schedule.periodPast');
    if (from.isValid && to.isValid && (to < from || to.diff(from, 'days').days >= MAX_PERIOD_DAYS)) errors.to = t.t('schedule.periodOrder');
    if (Object.keys(errors).length) return { errors };
    const description = text('description').trim().replace(/\s+/g, ' ').slice(0, 100);
    return { errors, period: { from: from.toJSDate(), to: to.plus({ days: 1 }).startOf('day').toJSDate(), description } };
  }

  /**
   * Saves a driver's week, one save at a time per driver (a double click, two tabs, two
   * instances): each save reads the week the previous one left, and Ocean ends with exactly the
   * week submitted last. A save that fails half-way says so and shows what Ocean now holds.
   */
  private async saveWeek(actor: Actor, individuId: number, next: Week) {
    let outcome: { deleted: number; posted: boolean; error?: unknown };
    try {
      outcome = await withKeyLock(this.deps.store, `schedule:${individuId}`, () => this.writeWeek(actor, individuId, next), {
        timeoutMs: this.deps.lockTimeoutMs,
      });
    } catch (error) {
      outcome = { deleted: 0, posted: false, error };
    }
    const failed = outcome.error !== undefined;
    if (failed)
      this.deps.logger?.warn(
        { individuId, deleted: outcome.deleted, err: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) },
        'private hours not saved completely',
      );
    await this.deps.store.auditLog.add(actor.ref, failed ? 'schedule.saveFailed' : 'schedule.save', `individu:${individuId}`, {
      deleted: outcome.deleted,
      posted: outcome.posted,
    });
    const t = actor.t;
    return { done: await this.view(actor, actor, failed ? t.t('schedule.notSaved') : t.t('schedule.saved'), failed ? 'error' : 'success') };
  }

  /**
   * Whether Ocean merges a posted week into the one in force or replaces it is undocumented
   * (REFERENCE §5). Removing slots only: one DELETE per removed slot (Ocean keeps the rest,
   * documented). Anything added: one DELETE per slot in force, then the whole week posted from
   * the next second; the result is the same under either reading, and a failure in between
   * leaves fewer slots, never a doubled week. Each DELETE starts a new schedule with what
   * remains, so the week is read again before the next one (the remaining ids may change).
   */
  private async writeWeek(actor: Actor, individuId: number, next: Week): Promise<{ deleted: number; posted: boolean; error?: unknown }> {
    let deleted = 0;
    try {
      const ocean = this.deps.ocean;
      const weekNow = async () => weekInForce(PrivateHours.fromOcean(await ocean.recurringSchedules(individuId, actor), []), this.deps.clock.now());
      let current = await weekNow();
      const added = WEEKDAYS.some((day) => next[day].some((n) => !current.some((c) => c.day === day && sameRange(c, n))));
      const replace = added || hasDuplicates(current);
      const goes = (r: WeeklyRange) => replace || !next[r.day].some((n) => sameRange(n, r));
      const budget = current.length + 5;
      for (let target = current.find(goes); target; target = current.find(goes)) {
        if (target.id === null || deleted >= budget) throw new Error('Ocean keeps a slot that cannot be deleted');
        await ocean.deleteRecurringSchedule(individuId, target.id, actor);
        deleted += 1;
        current = await weekNow();
      }
      if (!replace || WEEKDAYS.every((day) => !next[day].length)) return { deleted, posted: false };
      await ocean.saveRecurringSchedules(individuId, innerMapBody(next), { from: nextSecond(this.deps.clock.now()) }, actor);
      return { deleted, posted: true };
    } catch (error) {
      return { deleted, posted: false, error };
    }
  }

  private async savePeriod(actor: Actor, individuId: number, period: { from: Date; to: Date; description: string }) {
    await this.deps.ocean.saveExceptionalPeriod({ individuId, description: period.description, from: period.from, to: period.to }, actor);
    await this.deps.store.auditLog.add(actor.ref, 'period.add', `individu:${individuId}`, { from: period.from.toISOString(), to: period.to.toISOString() });
    return { done: await this.view(actor, actor, actor.t.t('schedule.saved')) };
  }
}

function hasDuplicates(ranges: WeeklyRange[]): boolean {
  return ranges.some((r, i) => ranges.findIndex((o) => o.day === r.day && sameRange(o, r)) !== i);
}

function textOf(values: Record<string, unknown>): (key: string) => string {
  return (key) => (typeof values[key] === 'string' ? (values[key] as string).slice(0, 200) : '');
}

function nextSecond(now: Date): Date {
  return new Date(Math.ceil((now.getTime() + 1) / 1000) * 1000);
}

function dayName(day: Weekday, t: Translator): string {
  return DateTime.fromISO(MONDAY)
    .plus({ days: WEEKDAYS.indexOf(day) })
    .setLocale(t.locale)
    .toFormat('ccc');
}

function longDayName(day: Weekday, t: Translator): string {
  const name = DateTime.fromISO(MONDAY)
    .plus({ days: WEEKDAYS.indexOf(day) })
    .setLocale(t.locale)
    .toFormat('cccc');
  return name.charAt(0).toUpperCase() + name.slice(1);
}
