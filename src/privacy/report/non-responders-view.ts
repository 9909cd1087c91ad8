import type { Translator } from '../../i18n';
import type { IsoDay } from '../../ocean/dates';
import { encodeRemind } from '../../views/payloads';
import { ACTION_IDS, type Block, textView, type View } from '../../views/views';
import type { Unreachable } from '../reach';
import type { NonResponder, ReminderOutcome } from './non-responders';

/** Drivers listed in the chat, those with the most trips waiting first. */
export const NON_RESPONDERS_SHOWN = 25;

/** The drivers the bot cannot reach, listed apart: why, and what the manager can do. */
export function unreachableBlocks(list: Unreachable[], t: Translator, cmd: string): Block[] {
  if (!list.length) return [];
  const line = (u: Unreachable) =>
    `• ${t.t('unreachable.line', { name: u.name, id: u.individuId, reason: t.t(`unreachable.reason.${u.reason}`), fix: t.t(`unreachable.fix.${u.reason}`, { cmd, id: u.individuId }) })}`;
  return [
    { type: 'heading', text: t.t('unreachable.title', { count: list.length }) },
    { type: 'text', text: t.t('unreachable.intro', { count: list.length }), tone: 'warning' },
    { type: 'text', text: list.map(line).join('\n') },
  ];
}

/** The period's non-responders for a manager: counts and dates only, and the button to remind them now; the drivers the bot cannot reach apart. */
export function nonRespondersView(
  list: NonResponder[],
  t: Translator,
  label: string,
  period: { first: IsoDay; last: IsoDay },
  zone: string,
  unreachable: { drivers: Unreachable[]; cmd: string } = { drivers: [], cmd: '' },
  scope?: string,
): View {
  const title = `${t.t('unanswered.title', { period: label })}${scope ? ` — ${scope}` : ''}`;
  const apart = unreachableBlocks(unreachable.drivers, t, unreachable.cmd);
  if (!list.length) return { summary: title, title, blocks: [{ type: 'text', text: t.t('unanswered.none', { period: label }), tone: 'success' }, ...apart] };
  const c = (key: string) => t.t(`unanswered.columns.${key}`);
  const blocks: Block[] = [
    { type: 'text', text: t.t('unanswered.intro', { count: list.length }) },
    {
      type: 'table',
      columns: [{ label: c('driver') }, { label: c('open'), align: 'right' }, { label: c('closed'), align: 'right' }, { label: c('since') }],
      rows: list.slice(0, NON_RESPONDERS_SHOWN).map((p) => [p.name, String(p.open), String(p.closed), t.shortDay(p.since, zone)]),
    },
  ];
  if (list.length > NON_RESPONDERS_SHOWN)
    blocks.push({ type: 'text', text: t.t('unanswered.rest', { count: list.length - NON_RESPONDERS_SHOWN }), tone: 'muted' });
  blocks.push({ type: 'text', text: t.t('unanswered.countsOnly'), tone: 'muted' });
  const remindable = list.filter((p) => p.remindable > 0).length;
  if (remindable > 0) {
    blocks.push({
      type: 'actions',
      actions: [{ actionId: ACTION_IDS.remind, label: t.t('unanswered.remind', { count: remindable }), value: encodeRemind(period), style: 'primary' }],
    });
  } else if (list.some((p) => p.open > 0)) {
    blocks.push({ type: 'text', text: t.t('unanswered.allReminded'), tone: 'muted' });
  }
  return { summary: title, title, blocks: [...blocks, ...apart] };
}

/** What the manager's reminder did. */
export function reminderOutcomeView(outcome: Extract<ReminderOutcome, { replayed: false }>, t: Translator): View {
  const already = outcome.alreadyReminded ? ` ${t.t('unanswered.alreadyReminded', { count: outcome.alreadyReminded })}` : '';
  if (!outcome.days) return textView(already ? `${t.t('unanswered.noneSent')}${already}` : t.t('unanswered.nothingToRemind'), 'muted');
  return textView(
    `${t.t('unanswered.reminded', { count: outcome.drivers, days: t.t('unanswered.waitingDays', { count: outcome.days }) })}${already}`,
    'success',
  );
}
