import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PrivacySnapshot } from './schedules';
import { DAYS } from './wire';

/*
 * The simulator's state in DATA_DIR, so that a restart of the sandbox is invisible: what Ocean
 * would remember (the answers it took, the schedules and periods it saved, the ids it handed
 * out). The fleet and its trips are not in it: the seed makes them again.
 */

export const STATE_FILE_NAME = 'ocean-simulator.json';
const VERSION = 1;

const Id = z.number().int().nonnegative();
const Instant = z.number().finite();
const StateFile = z.object({
  version: z.literal(VERSION),
  nextId: Id,
  assignments: z.array(
    z.object({
      id: Id,
      individuId: Id,
      slot: z.object({
        id: Id,
        idJourSemaine: z.enum(DAYS),
        typeHoraires: z.string(),
        debutHeure: z.number().int(),
        debutMinute: z.number().int(),
        finHeure: z.number().int(),
        finMinute: z.number().int(),
      }),
      debut: Instant,
      fin: Instant.nullable(),
    }),
  ),
  exceptional: z.array(z.object({ id: Id, extensionId: Id, individuId: Id, description: z.string(), debut: Instant, fin: Instant, createdBy: z.string() })),
  tripMarks: z.array(z.tuple([Id, z.boolean()])),
});

export type StateRead = { snapshot?: PrivacySnapshot; damaged?: string };

/**
 * The saved state; nothing when there is none yet. A file that cannot be read or is not a state
 * this version wrote is set aside (`.damaged`, for whoever wants to look) and reported: the
 * simulator then starts from the seeded fleet instead of refusing to start.
 */
export function readState(file: string): StateRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    return { damaged: `cannot be read (${code})` };
  }
  let problem: string;
  try {
    const parsed = StateFile.safeParse(JSON.parse(text));
    if (parsed.success) return { snapshot: parsed.data };
    problem = `not a state this version wrote (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})`;
  } catch {
    problem = 'not JSON (cut off?)';
  }
  try {
    fs.renameSync(file, `${file}.damaged`);
    return { damaged: `${problem}; set aside as ${path.basename(file)}.damaged` };
  } catch {
    return { damaged: problem };
  }
}

/** Written aside, flushed, then renamed over the previous copy: a crash mid-write leaves that copy whole. */
export function writeState(file: string, snapshot: PrivacySnapshot): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, JSON.stringify({ version: VERSION, ...snapshot }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}
