import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import type { Log } from '../../src/log';
import { EXCEPTIONAL_PRIVATE_INDEX, RECURRING_PRIVATE_INDEXES } from '../../src/sandbox/fleet';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { STATE_FILE_NAME } from '../../src/sandbox/state-file';
import { startOcean } from '../support/ocean';

const NOW = '2026-11-25T09:00:00Z';
const DAY = '2026-11-24';
const ZONE = 'Europe/Paris';

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return { warnings, debug: ignore, info: ignore, error: ignore, warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`) };
}

describe("the Ocean simulator's state in a folder", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-state-'));
    file = path.join(dir, STATE_FILE_NAME);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A simulator on the folder, and the real client talking to it over HTTP. */
  const open = (logger?: Log) => startOcean({ clock: new ManualClock(NOW), stateFile: file, logger });

  it('keeps what Ocean took across a restart (an answer, a week, a period, ids) and hands out no id twice', async () => {
    const driver = 9;
    const first = await open();
    const individuId = first.sim.fleet.byIndex(driver).individuId;
    const vehicle = first.sim.fleet.vehicle(first.sim.fleet.byIndex(driver).vehicleId!)!;
    const [trip] = first.sim.fleet.trips(vehicle.id, DAY, ZONE);
    await first.client.markTrip({ idEtape: trip!.id, numeroEmbarque: vehicle.numeroEmbarque, privacy: true });
    const slot = { idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 12, debutMinute: 0, finHeure: 13, finMinute: 30 };
    await first.client.saveRecurringSchedules(individuId, { innerMap: { map: { LUNDI: { VIE_PRIVEE: [slot] } } } });
    await first.client.saveExceptionalPeriod({
      individuId,
      description: 'Congés',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-03T00:00:00Z'),
    });
    const week = await first.client.recurringSchedules(individuId);
    const periods = await first.client.exceptionalPeriods(individuId);
    await first.stop();

    const second = await open();
    try {
      expect(second.sim.state.tripMarks.get(trip!.id)).toBe(true);
      expect(await second.client.recurringSchedules(individuId)).toEqual(week);
      expect(await second.client.exceptionalPeriods(individuId)).toEqual(periods);
      // New ids after a restart are new: none is one handed out before it.
      await second.client.saveExceptionalPeriod({
        individuId,
        description: 'Pont',
        from: new Date('2026-12-10T00:00:00Z'),
        to: new Date('2026-12-11T00:00:00Z'),
      });
      await second.client.saveRecurringSchedules(individuId, { innerMap: { map: { MARDI: { VIE_PRIVEE: [{ ...slot, idJourSemaine: 'MARDI' }] } } } });
      const state = second.sim.state.snapshot();
      const ids = [...state.assignments.flatMap((a) => [a.id, a.slot.id]), ...state.exceptional.flatMap((p) => [p.id, p.extensionId])];
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await second.stop();
    }
  });

  it('a damaged file is set aside with a warning and the simulator starts from the seeded fleet', async () => {
    fs.writeFileSync(file, '{"version":1,"nextId":1110001');
    const logger = recordingLog();
    const ocean = await open(logger);
    try {
      expect(logger.warnings).toEqual([expect.stringContaining('damaged')]);
      expect(fs.readFileSync(`${file}.damaged`, 'utf8')).toBe('{"version":1,"nextId":1110001');
      // The seeded special cases are there: private hours and the exceptional period.
      expect(await ocean.client.recurringSchedules(ocean.sim.fleet.byIndex(RECURRING_PRIVATE_INDEXES[0]!).individuId)).not.toEqual([]);
      expect(await ocean.client.exceptionalPeriods(ocean.sim.fleet.byIndex(EXCEPTIONAL_PRIVATE_INDEX).individuId)).toHaveLength(1);
      // And a whole state replaces the damaged one.
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 1, tripMarks: [] });
    } finally {
      await ocean.stop();
    }
  });

  it('a file of another shape is damaged too; a missing one is a first start, without a warning', async () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, nextId: 5, assignments: 'none' }));
    const damaged = recordingLog();
    new OceanSimulator({ stateFile: file, logger: damaged, clock: new ManualClock(NOW) });
    expect(damaged.warnings).toEqual([expect.stringContaining('assignments')]);
    fs.rmSync(file, { force: true });
    const fresh = recordingLog();
    const sim = new OceanSimulator({ stateFile: file, logger: fresh, clock: new ManualClock(NOW) });
    expect(fresh.warnings).toEqual([]);
    expect(sim.state.exceptional.size).toBe(1);
  });

  it('a write cut off by a crash leaves the previous state whole', async () => {
    const first = await open();
    const vehicle = first.sim.fleet.vehicle(first.sim.fleet.byIndex(9).vehicleId!)!;
    const [trip] = first.sim.fleet.trips(vehicle.id, DAY, ZONE);
    await first.client.markTrip({ idEtape: trip!.id, numeroEmbarque: vehicle.numeroEmbarque, privacy: false });
    await first.stop();
    // What a crash in the middle of the next write leaves behind.
    fs.writeFileSync(`${file}.tmp`, '{"version":1,"nextId":11100');
    const logger = recordingLog();
    const second = await open(logger);
    try {
      expect(logger.warnings).toEqual([]);
      expect(second.sim.state.tripMarks.get(trip!.id)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('a state that cannot be written is warned about, and the simulator goes on answering', async () => {
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    const logger = recordingLog();
    const ocean = await startOcean({ clock: new ManualClock(NOW), stateFile: path.join(dir, 'not-a-folder', STATE_FILE_NAME), logger });
    try {
      const vehicle = ocean.sim.fleet.vehicle(ocean.sim.fleet.byIndex(9).vehicleId!)!;
      const [trip] = ocean.sim.fleet.trips(vehicle.id, DAY, ZONE);
      await ocean.client.markTrip({ idEtape: trip!.id, numeroEmbarque: vehicle.numeroEmbarque, privacy: true });
      expect(ocean.sim.state.tripMarks.get(trip!.id)).toBe(true);
      const [unreadable, ...unsaved] = logger.warnings;
      expect(unreadable).toContain('cannot be read (ENOTDIR)');
      expect(unsaved.length).toBeGreaterThan(0);
      expect(unsaved.every((w) => w.includes('could not be saved'))).toBe(true);
    } finally {
      await ocean.stop();
    }
  });
});
