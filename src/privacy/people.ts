import type { Clock } from '../clock';
import { supportedLocale, translator, type Locale, type Translator } from '../i18n';
import { OceanError } from '../ocean/errors';
import type { Role } from '../domain';
import type { ChatIdentity, Person, SeenPerson, Store } from '../store';
import type { Driver, OceanDirectory } from './directory';

const RECENT_MS = 30_000;

/** The person behind a chat request, as the business rules see them. */
export interface Actor {
  person: Person;
  role: Role;
  locale: Locale;
  t: Translator;
  /** The Ocean driver they are linked to, if any. */
  individuId: number | null;
  driver: Driver | undefined;
  /** How to name them in the audit trail: `slack:T_FLEET:U_ALICE`. */
  ref: string;
  /** The chat request they made (its id goes with the Ocean calls made for it, and the logs). */
  requestId?: string;
}

export interface PeopleOptions {
  store: Store;
  directory: OceanDirectory;
  managerEmails: string[];
  defaultLocale: Locale;
  clock: Clock;
  onDirectoryError?: (error: unknown) => void;
}

export function personRef(identity: ChatIdentity | Person): string {
  return 'chat_user_id' in identity ? `${identity.platform}:${identity.workspace_id}:${identity.chat_user_id}` : `${identity.platform}:${identity.workspaceId}:${identity.chatUserId}`;
}

/**
 * Who is who: a chat user becomes an Ocean driver by e-mail (the platform's e-mail matched in
 * `individus/list`), or by a manager's hand when e-mails differ. Managers are the e-mails in
 * MANAGER_EMAILS and whoever the store marks as manager.
 */
export class PeopleService {
  constructor(private readonly options: PeopleOptions) {}

  /** People seen in the last seconds: a burst of clicks or commands writes the store once. */
  private readonly recent = new Map<string, { at: number; person: Person; key: string }>();

  async identify(seen: SeenPerson, requestId?: string): Promise<Actor> {
    const id = `${seen.platform}:${seen.workspaceId}:${seen.chatUserId}`;
    const key = `${seen.email ?? ''}|${seen.locale ?? ''}|${seen.displayName ?? ''}`;
    const now = this.options.clock.now().getTime();
    const cached = this.recent.get(id);
    let person: Person;
    if (cached && cached.key === key && now - cached.at < RECENT_MS) {
      person = (await this.options.store.personById(cached.person.id)) ?? (await this.options.store.seePerson(seen));
    } else {
      person = await this.options.store.seePerson(seen);
      if (this.recent.size > 10_000) this.recent.clear();
      this.recent.set(id, { at: now, person, key });
    }
    return this.actorFor(person, requestId);
  }

  async actorFor(person: Person, requestId?: string): Promise<Actor> {
    let current = person;
    let driver: Driver | undefined;
    try {
      if (current.link_source !== 'manual' && current.email) {
        const match = await this.options.directory.byEmail(current.email);
        const individuId = match?.individuId ?? null;
        if (individuId !== current.individu_id) {
          await this.options.store.linkPerson(current.id, individuId, individuId === null ? null : 'email');
          current = { ...current, individu_id: individuId, link_source: individuId === null ? null : 'email' };
        }
        driver = match;
      } else if (current.individu_id !== null) {
        driver = await this.options.directory.byId(current.individu_id);
      }
    } catch (error) {
      // Ocean unreachable: keep the link we already had.
      if (!(error instanceof OceanError)) throw error;
      this.options.onDirectoryError?.(error);
    }
    const locale = supportedLocale(current.preferred_locale) ?? supportedLocale(current.locale) ?? this.options.defaultLocale;
    return {
      person: current,
      role: this.roleOf(current),
      locale,
      t: translator(locale),
      individuId: current.individu_id,
      driver,
      ref: personRef(current),
      requestId,
    };
  }

  roleOf(person: Person): Role {
    if (person.role === 'manager') return 'manager';
    return person.email && this.options.managerEmails.includes(person.email.toLowerCase()) ? 'manager' : 'driver';
  }

  /** A manager links someone by hand to the individu with that e-mail (or Ocean id). */
  async link(manager: Actor, target: Person, who: string): Promise<Driver | undefined> {
    const directory = this.options.directory;
    const driver = /^\d+$/.test(who) ? await directory.byId(Number(who)) : await directory.byEmail(who);
    if (!driver) return undefined;
    await this.options.store.linkPerson(target.id, driver.individuId, 'manual');
    await this.options.store.audit(manager.ref, 'link', personRef(target), { individuId: driver.individuId });
    return driver;
  }

  async unlink(manager: Actor, target: Person): Promise<void> {
    // A manual unlink sticks: the e-mail match will not link them again by itself.
    await this.options.store.linkPerson(target.id, null, 'manual');
    await this.options.store.audit(manager.ref, 'unlink', personRef(target), null);
  }

  /** The person a driver used last, among those linked to the individu (the prompt goes there). */
  async lastUsed(individuId: number): Promise<Person | undefined> {
    const people = await this.options.store.peopleForIndividu(individuId);
    return people[0];
  }
}

/** The language to speak to a person in, without asking Ocean anything. */
export function localeOf(person: Person, defaultLocale: Locale): Locale {
  return supportedLocale(person.preferred_locale) ?? supportedLocale(person.locale) ?? defaultLocale;
}
