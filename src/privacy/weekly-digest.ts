import type { Locale } from '../domain';
import { supportedLocale, translator } from '../i18n';
import type { Log } from '../log';
import type { Person, Store } from '../store';
import { textView, type View } from '../views/views';
import type { NonResponders } from './non-responders';
import { nonRespondersView } from './non-responders-view';
import { localeOf, personRef } from './people';
import { type Period, parsePeriod } from './periods';
import { ChatDeliveryError, type ChatPorts, canDiscover } from './ports';
import type { ReportData } from './report-rows';
import type { ReportService } from './reports';

export interface DigestDeps {
  store: Store;
  reports: Pick<ReportService, 'data' | 'render' | 'periodLabel'>;
  nonResponders: Pick<NonResponders, 'list'>;
  ports: ChatPorts;
  zone: string;
  defaultLocale: Locale;
  managerEmails: string[];
  /** SLACK_REPORT_CHANNEL: a Slack channel that gets the digest too. */
  slackReportChannel?: string;
  worker: string;
  /** How long a recipient claimed by an instance that died stays reserved. */
  leaseMs?: number;
  logger?: Log;
}

export interface DigestReport {
  period: Period;
  /** Who got it from this run: `person:<platform:workspace:user>` or `channel:<platform:…>`. */
  sent: string[];
  /** Recipients another run (another instance, an earlier slot of the same week) took. */
  skipped: number;
  failed: number;
}

interface Recipient {
  key: string;
  locale: Locale;
  send(view: View): Promise<unknown>;
}

/** Prefix of the store's claims, one per week and recipient. */
export const DIGEST_CLAIM = 'weekly-digest';

/**
 * Last week's digest: the report by driver (table, chart, CSV) and the drivers who have not
 * answered, to every manager by direct message on each platform they use, and to the channels
 * chosen for it. Each (week, recipient) is claimed in the store before sending, so that however
 * many instances fire, and however often the cron fires in a week, each gets it once. Ocean is
 * asked once per run, by the run that wins a first claim.
 */
export class WeeklyDigest {
  constructor(private readonly deps: DigestDeps) {}

  /** The digest of the week before `slot` (the cron's firing time, in the fleet's time zone). */
  async run(slot: Date): Promise<DigestReport> {
    const { store, worker, logger } = this.deps;
    const period = parsePeriod('last-week', slot, this.deps.zone) as Period;
    const report: DigestReport = { period, sent: [], skipped: 0, failed: 0 };
    const content = this.content(period);
    for (const recipient of await this.recipients()) {
      const key = `${DIGEST_CLAIM}:${period.first}:${recipient.key}`;
      if (!(await store.runs.claim(key, worker, this.deps.leaseMs ?? 10 * 60_000))) {
        report.skipped += 1;
        continue;
      }
      try {
        for (const view of await content(recipient.locale)) await recipient.send(view);
        await store.auditLog.add(DIGEST_CLAIM, 'digest.sent', recipient.key, { first: period.first, last: period.last });
        report.sent.push(recipient.key);
      } catch (error) {
        report.failed += 1;
        const gone = error instanceof ChatDeliveryError && error.kind === 'gone';
        logger?.[gone ? 'info' : 'warn'](
          { recipient: recipient.key, err: error instanceof Error ? error.message : String(error) },
          gone ? 'weekly digest: recipient not reachable on this platform' : 'weekly digest not delivered',
        );
      } finally {
        await store.runs.complete(key);
      }
    }
    logger?.info({ first: period.first, sent: report.sent.length, skipped: report.skipped, failed: report.failed }, 'weekly digest run finished');
    return report;
  }

  /** The two messages of the digest in a language, made once per run and language. */
  private content(period: Period): (locale: Locale) => Promise<View[]> {
    let data: Promise<ReportData | undefined> | undefined;
    let list: ReturnType<NonResponders['list']> | undefined;
    const views = new Map<Locale, Promise<View[]>>();
    return (locale) => {
      data ??= this.deps.reports.data(period, 'driver').catch((error: unknown) => {
        this.deps.logger?.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'weekly digest: the report could not be made, the digest goes without it',
        );
        return undefined;
      });
      list ??= this.deps.nonResponders.list(period);
      let made = views.get(locale);
      if (!made) {
        made = this.render(period, locale, data, list);
        views.set(locale, made);
      }
      return made;
    };
  }

  private async render(period: Period, locale: Locale, data: Promise<ReportData | undefined>, list: ReturnType<NonResponders['list']>): Promise<View[]> {
    const t = translator(locale);
    const label = this.deps.reports.periodLabel(period, t);
    const title = t.t('digest.title', { period: label });
    const made = await data;
    const report = made
      ? await this.deps.reports.render(made, t, label, 'driver', period)
      : textView(t.t('digest.reportUnavailable', { period: label }), 'warning');
    return [{ ...report, summary: title, title }, nonRespondersView(await list, t, label, period, this.deps.zone)];
  }

  /** Every manager on each platform they use, then the chosen channels. */
  private async recipients(): Promise<Recipient[]> {
    const { store, ports, defaultLocale } = this.deps;
    const managers = new Map<number, Person>();
    for (const person of await store.people.managers()) managers.set(person.id, person);
    for (const email of this.deps.managerEmails) for (const person of await this.managerAccounts(email)) managers.set(person.id, person);
    const recipients: Recipient[] = [];
    for (const person of managers.values()) {
      const port = ports.get(person.platform);
      if (port)
        recipients.push({ key: `person:${personRef(person)}`, locale: localeOf(person, defaultLocale), send: (view) => port.sendDirect(person, view, {}) });
    }
    const slack = ports.get('slack');
    const slackChannel = this.deps.slackReportChannel;
    if (slackChannel && slack?.postToChannel)
      recipients.push({ key: `channel:slack:${slackChannel}`, locale: defaultLocale, send: (view) => slack.postToChannel!({ id: slackChannel }, view) });
    for (const channel of await store.reportChannels.all()) {
      const port = ports.get(channel.platform);
      if (!port?.postToChannel) continue;
      recipients.push({
        key: `channel:${channel.platform}:${channel.workspace_id}:${channel.channel_id}`,
        locale: supportedLocale(channel.locale) ?? defaultLocale,
        send: (view) => port.postToChannel!({ id: channel.channel_id, reference: channel.reference }, view),
      });
    }
    return recipients;
  }

  /** A manager's accounts: those the store knows, and where a platform can look them up by e-mail (Slack), there too. */
  private async managerAccounts(email: string): Promise<Person[]> {
    const { store, ports } = this.deps;
    const known = await store.people.byEmail(email);
    for (const platform of ports.platforms()) {
      const port = ports.get(platform);
      if (!port || !canDiscover(port) || known.some((p) => p.platform === platform)) continue;
      const found = await port.discover(email).catch(() => undefined);
      if (found)
        known.push(
          await store.people.see(
            { platform, workspaceId: found.workspaceId, chatUserId: found.chatUserId, email, displayName: found.displayName, locale: found.locale },
            { discovered: true },
          ),
        );
    }
    return known;
  }
}
