import type { Translator } from '../../i18n';
import type { Store } from '../../store';
import type { Block } from '../../views/views';
import { driverName, type OceanDirectory } from '../directory';
import { type UnreachableReason, unreachableReasons } from './reasons';

/** A driver the bot cannot reach, named for a manager, with why. */
export interface UnreachableDriver {
  individuId: number;
  name: string;
  reason: UnreachableReason;
}

/** Rows shown in the chat; the rest are counted. */
export const UNREACHABLE_SHOWN = 25;

/**
 * The drivers with vehicles the bot cannot reach, among `individuIds` (a manager's scope) or the
 * whole fleet, sorted by reason then name.
 */
export async function unreachableDrivers(deps: { store: Store; directory: Pick<OceanDirectory, 'all'> }, individuIds?: number[]): Promise<UnreachableDriver[]> {
  const drivers = (await deps.directory.all()).filter((d) => d.vehicles.length > 0 && (!individuIds || individuIds.includes(d.individuId)));
  const reasons = await unreachableReasons(
    deps.store,
    drivers.map((d) => d.individuId),
  );
  const list: UnreachableDriver[] = [];
  for (const driver of drivers) {
    const reason = reasons.get(driver.individuId);
    if (reason) list.push({ individuId: driver.individuId, name: driverName(driver), reason });
  }
  return list.sort((a, b) => a.reason.localeCompare(b.reason) || a.name.localeCompare(b.name));
}

/** The unanswered list's "not reachable" section: who gets no prompt at all, and why. Nothing when everyone is reachable. */
export function notReachableBlocks(list: UnreachableDriver[], t: Translator): Block[] {
  if (!list.length) return [];
  const blocks: Block[] = [
    { type: 'heading', text: t.t('unanswered.unreachable.title') },
    { type: 'text', text: t.t('unanswered.unreachable.intro', { count: list.length }), tone: 'warning' },
    {
      type: 'table',
      columns: [{ label: t.t('unanswered.columns.driver') }, { label: t.t('unanswered.unreachable.why') }],
      rows: list.slice(0, UNREACHABLE_SHOWN).map((d) => [d.name, t.t(`unanswered.unreachable.reasons.${d.reason}`)]),
    },
  ];
  if (list.length > UNREACHABLE_SHOWN) blocks.push({ type: 'text', text: t.t('unanswered.rest', { count: list.length - UNREACHABLE_SHOWN }), tone: 'muted' });
  return blocks;
}
