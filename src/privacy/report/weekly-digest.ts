import type { Locale } from '../../domain';
import { supportedLocale, translator } from '../../i18n';
import type { Log } from '../../log';
import type { Person, Store } from '../../store';
import { textView, type View } from '../../views/views';
import { localeOf, type PeopleService, personRef } from '../people';
import { ChatDeliveryError, type ChatPorts, canDiscover } from '../ports';
import { Scope } from '../scope';
import type { NonResponders } from './non-responders';
import { nonRespondersView } from './non-responders-view';
import { type Period, parsePeriod } from './periods';
import type { ReportService } from './reports';
import type { ReportData } from './rows';

export interface DigestDeps {
  store: Store;
  reports: Pick<ReportService, 'data' | 'render' | 'periodLabel'>;
  nonResponders: Pick<NonResponders, 'list'>;
  ports: ChatPorts;
  zone: string;
  defaultLocale: Locale;
  /** Every manager's e-mail (MANAGER_EMAILS and MANAGERS). */
  managerEmails: string[];
  /** Each manager's scope. */
  people: Pick<PeopleService, 'scopeOf' | 'roleOf'>;
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
  /** The part of the fleet the digest shows them. */
  scope: Scope;
  send(view: View): Promise<unknown>;
}

/** Prefix of the store's claims, one per week and recipient. */
export const DIGEST_CLAIM = 'weekly-digest';

/**
 * Last week's digest: the report by driver (table, chart, CSV) and the drivers who have not
 * answered, to every manager by direct message on each platform they use, and to the channels
 * chosen for it. Each manager gets their own scope's; a channel chosen with `privacy-report
 * here` gets the scope of the manager who chose it, SLACK_REPORT_CHANNEL the whole fleet's. Each (week, recipient) is claimed in the store before sending, so that however
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
        for (const view of await content(recipient.scope, recipient.locale)) await recipient.send(view);
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

  /** The two messages of the digest for a scope in a language, made once per run, scope and language. */
  private content(period: Period): (scope: Scope, locale: Locale) => Promise<View[]> {
    const data = new Map<string, Promise<ReportData | undefined>>();
    const lists = new Map<string, ReturnType<NonResponders['list']>>();
    const views = new Map<string, Promise<View[]>>();
    return (scope, locale) => {
      const key = scope.key();
      let report = data.get(key);
      if (!report) {
        report = this.deps.reports.data(period, 'driver', {}, undefined, undefined, scope).catch((error: unknown) => {
          this.deps.logger?.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'weekly digest: the report could not be made, the digest goes without it',
          );
          return undefined;
        });
        data.set(key, report);
      }
      let list = lists.get(key);
      if (!list) {
        list = this.deps.nonResponders.list(period, scope);
        lists.set(key, list);
      }
      let made = views.get(`${key}|${locale}`);
      if (!made) {
        made = this.render(period, locale, scope, report, list);
        views.set(`${key}|${locale}`, made);
      }
      return made;
    };
  }

  private async render(
    period: Period,
    locale: Locale,
    scope: Scope,
    data: Promise<ReportData | undefined>,
    list: ReturnType<NonResponders['list']>,
  ): Promise<View[]> {
    const t = translator(locale);
    const label = this.deps.reports.periodLabel(period, t);
    const part = scope.label();
    const title = `${t.t('digest.title', { period: label })}${part ? ` — ${part}` : ''}`;
    const made = await data;
    const report = made
      ? await this.deps.reports.render(made, t, label, 'driver', period, scope)
      : textView(t.t('digest.reportUnavailable', { period: label }), 'warning');
    return [{ ...report, summary: title, title }, nonRespondersView(await list, t, label, period, this.deps.zone, undefined, part)];
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
      const scope = port && (await this.deps.people.scopeOf(person));
      if (port && scope)
        recipients.push({
          key: `person:${personRef(person)}`,
          locale: localeOf(person, defaultLocale),
          scope,
          send: (view) => port.sendDirect(person, view, {}),
        });
    }
    const slack = ports.get('slack');
    const slackChannel = this.deps.slackReportChannel;
    if (slackChannel && slack?.postToChannel)
      recipients.push({
        key: `channel:slack:${slackChannel}`,
        locale: defaultLocale,
        scope: Scope.fleet(),
        send: (view) => slack.postToChannel!({ id: slackChannel }, view),
      });
    for (const channel of await store.reportChannels.all()) {
      const port = ports.get(channel.platform);
      if (!port?.postToChannel) continue;
      const key = `channel:${channel.platform}:${channel.workspace_id}:${channel.channel_id}`;
      const scope = await this.scopeOfRef(channel.set_by);
      if (!scope) {
        this.deps.logger?.warn({ recipient: key }, 'weekly digest: the channel was chosen by someone who is no longer a manager; it gets nothing');
        continue;
      }
      recipients.push({
        key,
        locale: supportedLocale(channel.locale) ?? defaultLocale,
        scope,
        send: (view) => port.postToChannel!({ id: channel.channel_id, reference: channel.reference }, view),
      });
    }
    return recipients;
  }

  /** The scope of the manager an audit reference names (`teams:TENANT:29:abc`), if they still are one. */
  private async scopeOfRef(ref: string): Promise<Scope | undefined> {
    const [platform, workspaceId, ...user] = ref.split(':');
    if (platform !== 'slack' && platform !== 'teams' && platform !== 'web') return undefined;
    const person = await this.deps.store.people.find({ platform, workspaceId: workspaceId ?? '', chatUserId: user.join(':') });
    return person && this.deps.people.roleOf(person) === 'manager' ? this.deps.people.scopeOf(person) : undefined;
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
