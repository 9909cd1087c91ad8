import { DateTime } from 'luxon';
import { EXCEPTIONAL_PRIVATE_INDEX, FLEET_FIRST_DAY, type Fleet, RECURRING_PRIVATE_INDEXES, type SimTrip } from './fleet';
import { type WireSlot as Slot, DAYS as WEEKDAYS, type Day as Weekday } from './wire';

/** One recurring slot assigned to a person for a validity window (Ocean's "horaire individu"). */
export interface SimAssignment {
  id: number;
  individuId: number;
  slot: Slot & { id: number };
  debut: number;
  fin: number | null;
}

export interface SimExceptional {
  id: number;
  extensionId: number;
  individuId: number;
  description: string;
  debut: number;
  fin: number;
  createdBy: string;
}

/** Everything the simulator's private-life state holds that a restart must keep (state-file.ts writes it). */
export interface PrivacySnapshot {
  nextId: number;
  assignments: SimAssignment[];
  exceptional: SimExceptional[];
  /** [idEtape, private?] */
  tripMarks: [number, boolean][];
}

/**
 * The simulator's private-life state: recurring slots with validity windows (closed, never
 * erased, so the past stays as it was), exceptional periods, and retroactive trip marks.
 * Every change goes through a method that counts it in `revision`, so the simulator knows when
 * there is something to write to its state file.
 */
export class PrivacyState {
  private nextId = 1110001000;
  private readonly exceptionalById = new Map<number, SimExceptional>();
  private readonly marks = new Map<number, boolean>();
  readonly assignments: SimAssignment[] = [];
  /** Steps the retroactive request answers `false` for (tests of Ocean's documented refusal); never saved. */
  readonly refusedSteps = new Set<number>();
  private changes = 0;

  /** The seeded state of a fresh fleet, or the one saved before a restart. */
  constructor(
    fleet: Fleet,
    private readonly zone: string,
    now: Date,
    saved?: PrivacySnapshot,
  ) {
    if (saved) {
      // Above every id already handed out, whatever the file says: ids stay unique across restarts.
      this.nextId = Math.max(this.nextId, saved.nextId);
      for (const id of [...saved.assignments.flatMap((a) => [a.id, a.slot.id]), ...saved.exceptional.flatMap((p) => [p.id, p.extensionId])])
        this.nextId = Math.max(this.nextId, id);
      this.assignments.push(...saved.assignments);
      for (const period of saved.exceptional) this.exceptionalById.set(period.extensionId, period);
      for (const [id, privacy] of saved.tripMarks) this.marks.set(id, privacy);
      return;
    }
    const since = DateTime.fromISO(FLEET_FIRST_DAY, { zone }).toMillis();
    for (const index of RECURRING_PRIVATE_INDEXES) {
      const driver = fleet.drivers[index];
      if (!driver) continue;
      const slots: Slot[] = [];
      for (const day of WEEKDAYS) {
        if (day === 'SAMEDI' || day === 'DIMANCHE') slots.push(slot(day, 0, 0, 23, 59));
        else slots.push(slot(day, 0, 0, 7, 30), slot(day, 19, 0, 23, 59));
      }
      this.replaceWeek(driver.individuId, slots, since, null);
    }
    const holder = fleet.drivers[EXCEPTIONAL_PRIVATE_INDEX];
    if (holder) {
      const local = DateTime.fromJSDate(now, { zone });
      let christmas = DateTime.fromObject({ year: local.year, month: 12, day: 24 }, { zone });
      if (christmas <= local) christmas = christmas.plus({ years: 1 });
      this.addExceptional(holder.individuId, 'NOEL', christmas.toMillis(), christmas.plus({ days: 3 }).toMillis(), 'gestionnaire');
    }
  }

  /** How many changes so far: the simulator saves when it moved. */
  get revision(): number {
    return this.changes;
  }

  snapshot(): PrivacySnapshot {
    return { nextId: this.nextId, assignments: this.assignments, exceptional: [...this.exceptionalById.values()], tripMarks: [...this.marks] };
  }

  /** Exceptional periods by extension id. */
  get exceptional(): ReadonlyMap<number, SimExceptional> {
    return this.exceptionalById;
  }

  /** idEtape -> private? (the retroactive answers Ocean took) */
  get tripMarks(): ReadonlyMap<number, boolean> {
    return this.marks;
  }

  markTrip(idEtape: number, privacy: boolean): void {
    this.marks.set(idEtape, privacy);
    this.changes += 1;
  }

  /** A new id, never handed out before (also across restarts: `nextId` is saved). */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  active(individuId: number, at: number): SimAssignment[] {
    return this.assignments.filter((a) => a.individuId === individuId && a.debut <= at && (a.fin === null || a.fin > at));
  }

  /** Current and future assignments (what the GET shows). */
  current(individuId: number, now: number): SimAssignment[] {
    // A voided assignment (closed before it started, fin = debut) is gone, whenever that was.
    return this.assignments.filter((a) => a.individuId === individuId && (a.fin === null || (a.fin > now && a.fin > a.debut)));
  }

  /** Closes what is open at `from` and opens the given week from `from` on. */
  replaceWeek(individuId: number, slots: Slot[], from: number, to: number | null): void {
    this.changes += 1;
    for (const assignment of this.current(individuId, from)) {
      if (assignment.debut >= from)
        assignment.fin = assignment.debut; // never started: void it
      else assignment.fin = from;
    }
    for (const s of slots) {
      this.assignments.push({ id: this.id(), individuId, slot: { ...s, id: this.id() }, debut: from, fin: to });
    }
  }

  /**
   * The recurring POST, as the simulator reads it: the posted slots are added to what is in
   * force from `from` (the docs do not say merge or replace; merging is the stricter case for
   * a client). Returns the slot that overlaps one already there, if any, and then adds nothing.
   */
  addWeek(individuId: number, slots: Slot[], from: number, to: number | null): Slot | undefined {
    const there = this.assignments.filter((a) => a.individuId === individuId && (a.fin === null || a.fin > from) && (to === null || a.debut < to));
    const clash = slots.find((s, i) => [...there.map((a) => a.slot), ...slots.slice(0, i)].some((o) => o.idJourSemaine === s.idJourSemaine && overlap(o, s)));
    if (clash) return clash;
    for (const s of slots) this.assignments.push({ id: this.id(), individuId, slot: { ...s, id: this.id() }, debut: from, fin: to });
    this.changes += 1;
    return undefined;
  }

  addExceptional(individuId: number, description: string, debut: number, fin: number, createdBy: string): SimExceptional {
    const period: SimExceptional = { id: this.id(), extensionId: this.id(), individuId, description, debut, fin, createdBy };
    this.exceptionalById.set(period.extensionId, period);
    this.changes += 1;
    return period;
  }

  updateExceptional(extensionId: number, change: Pick<SimExceptional, 'debut' | 'fin' | 'description'>): void {
    const period = this.exceptionalById.get(extensionId);
    if (!period) return;
    Object.assign(period, change);
    this.changes += 1;
  }

  removeExceptional(extensionId: number): void {
    if (this.exceptionalById.delete(extensionId)) this.changes += 1;
  }

  /** Whether a moment lies in the person's private hours (recurring or exceptional). */
  inPrivateHours(individuId: number, at: DateTime): boolean {
    const ms = at.toMillis();
    for (const period of this.exceptionalById.values()) {
      if (period.individuId === individuId && period.debut <= ms && ms < period.fin) return true;
    }
    const local = at.setZone(this.zone);
    const day = WEEKDAYS[local.weekday - 1] as Weekday;
    const minute = local.hour * 60 + local.minute;
    return this.active(individuId, ms).some((a) => {
      if (a.slot.idJourSemaine !== day) return false;
      const start = a.slot.debutHeure * 60 + a.slot.debutMinute;
      const end = a.slot.finHeure * 60 + a.slot.finMinute;
      // 23:59 means "to the end of the day".
      return minute >= start && (minute < end || (end >= 23 * 60 + 59 && minute <= end));
    });
  }

  /** A trip counts as private when marked so, else when it started inside private hours. */
  isPrivate(trip: SimTrip): boolean {
    const mark = this.marks.get(trip.id);
    if (mark !== undefined) return mark;
    return this.inPrivateHours(trip.driverId, trip.start);
  }
}

function overlap(a: Slot, b: Slot): boolean {
  const [as, ae, bs, be] = [a.debutHeure * 60 + a.debutMinute, a.finHeure * 60 + a.finMinute, b.debutHeure * 60 + b.debutMinute, b.finHeure * 60 + b.finMinute];
  return as < be && bs < ae;
}

export function slot(day: Weekday, debutHeure: number, debutMinute: number, finHeure: number, finMinute: number): Slot {
  return { idJourSemaine: day, typeHoraires: 'VIE_PRIVEE', debutHeure, debutMinute, finHeure, finMinute };
}
