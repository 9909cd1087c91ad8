import type { Clock } from '../clock';
import { yesterday } from '../ocean/dates';
import type { AnswerWindow } from '../privacy/daily';
import type { Actor, ChatRequest } from '../privacy/people';
import type { Reach } from '../privacy/reach';
import type { NonResponders, Period, ReportService } from '../privacy/report';
import { nonRespondersView, reminderOutcomeView } from '../privacy/report';
import type { Store } from '../store';
import { decodeRemind } from '../views/payloads';
import { type ActionOutcome, textView, type View } from '../views/views';

export interface DigestCommandsDeps {
  store: Store;
  nonResponders: NonResponders;
  /** The drivers the bot cannot reach, listed apart. */
  reach?: Reach;
  reports: Pick<ReportService, 'periodLabel'>;
  window: AnswerWindow;
  clock: Clock;
  zone: string;
  /** Whether the weekly digest is on (WEEKLY_REPORT_CRON not off). */
  weeklyDigest: boolean;
}

/**
 * The managers' side of the weekly digest in the chat: who has not answered (with the button
 * that reminds them), and the channel chosen for the digest. Typed commands reach here after
 * the router checked the role; the button is checked here, since a channel's members all see it.
 */
export class DigestCommands {
  constructor(private readonly deps: DigestCommandsDeps) {}

  /** `privacy-report [period] unanswered`; without a period, the days still open, up to yesterday. */
  async unanswered(actor: Actor, period: Period = this.openDays(), cmd = 'privacy'): Promise<View> {
    const t = actor.t;
    const scope = actor.scope;
    if (!scope) return textView(t.t('errors.managersOnly'), 'warning');
    const list = await this.deps.nonResponders.list(period, scope);
    // Who gets no prompt at all, and why, within the manager's scope.
    const unreachable = (await this.deps.reach?.unreachable((driver) => scope.includes(driver))) ?? [];
    await this.deps.store.auditLog.add(actor.ref, 'report.unanswered', null, {
      first: period.first,
      last: period.last,
      drivers: list.length,
      ...(scope.whole ? {} : { scope: scope.key() }),
    });
    return nonRespondersView(list, t, this.deps.reports.periodLabel(period, t), period, this.deps.zone, { drivers: unreachable, cmd }, scope.label());
  }

  /** The manager's "remind them now": one reminder per waiting day, claimed with the click's request. */
  async remind(actor: Actor, request: ChatRequest, value: string): Promise<ActionOutcome | 'replayed'> {
    const t = actor.t;
    if (actor.role !== 'manager' || !actor.scope) return { reply: textView(t.t('errors.managersOnly'), 'warning') };
    const period = decodeRemind(value);
    if (!period) return { reply: textView(t.t('errors.badButton'), 'error') };
    const outcome = await this.deps.nonResponders.remind(actor, period, request.requestKey);
    return outcome.replayed ? 'replayed' : { reply: reminderOutcomeView(outcome, t) };
  }

  /**
   * `privacy-report here` (or `here off`) in a channel: the weekly digest goes there too, or no
   * more. Written with the request's key; everyone in the channel is told who will see what.
   */
  async reportChannel(actor: Actor, request: ChatRequest, on: boolean, names: { cmd: string; reportCmd: string }): Promise<View | 'replayed'> {
    const t = actor.t;
    const channel = request.channel;
    if (!channel) return textView(t.t(actor.person.platform === 'slack' ? 'reportChannel.slack' : 'reportChannel.notInChannel', names), 'warning');
    const { platform, workspaceId } = request.user;
    let removed = false;
    const fresh = await this.deps.store.once(request.requestKey, async (tx) => {
      if (on)
        await tx.reportChannels.save({ platform, workspaceId, channelId: channel.id, reference: channel.reference, locale: actor.locale, setBy: actor.ref });
      else removed = await tx.reportChannels.remove(platform, workspaceId, channel.id);
      await tx.auditLog.add(actor.ref, on ? 'digest.channel.set' : 'digest.channel.removed', `${platform}:${workspaceId}:${channel.id}`);
    });
    if (!fresh) return 'replayed';
    if (!on) return textView(t.t(removed ? 'reportChannel.removed' : 'reportChannel.notSet'), 'success');
    return {
      summary: t.t('reportChannel.set'),
      blocks: [
        { type: 'text', text: t.t('reportChannel.set'), tone: 'success' },
        { type: 'text', text: t.t('reportChannel.whoSees'), tone: 'warning' },
        { type: 'text', text: t.t('reportChannel.howToStop', names), tone: 'muted' },
        ...(this.deps.weeklyDigest ? [] : [{ type: 'text' as const, text: t.t('reportChannel.digestOff'), tone: 'warning' as const }]),
      ],
    };
  }

  /** The days whose trips can still be answered, up to yesterday. */
  private openDays(): Period {
    const first = this.deps.window.firstOpenDay();
    const last = yesterday(this.deps.clock.now(), this.deps.zone);
    return { first, last, kind: first === last ? 'day' : 'range' };
  }
}
