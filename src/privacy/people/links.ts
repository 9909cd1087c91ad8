import type { Locale } from '../../domain';
import { translator } from '../../i18n';
import type { Log } from '../../log';
import type { Person, Store } from '../../store';
import { textView } from '../../views/views';
import { type Driver, driverName, type OceanDirectory } from '../directory';
import { type ChatPorts, canDiscover } from '../ports';
import { holds } from '../scope';
import { type Actor, localeOf, personRef } from './people';

export type LinkOutcome =
  | { ok: true; driver?: Driver }
  | { ok: false; reason: 'linkSelf' | 'individuNotFound' | 'linkTaken' | 'ownerUnchecked' | 'replayed' | 'outsideScope'; driver?: Driver };

export interface LinkDeps {
  store: Store;
  directory: OceanDirectory;
  ports: ChatPorts;
  defaultLocale: Locale;
  logger?: Log;
}

/**
 * A manager links a chat user to an Ocean driver by hand, when their e-mails differ. A link
 * decides who gets a driver's trips (times, towns) every morning, so: nobody links themselves;
 * a driver whose own e-mail is a user of that platform is theirs and cannot be given to someone
 * else; the person linked or unlinked is told by direct message; every change is audited. A
 * manager links and unlinks within their scope only: the Ocean driver given, and whoever the
 * person is linked to now.
 */
export class LinkService {
  constructor(private readonly deps: LinkDeps) {}

  async link(manager: Actor, target: Person, who: string, requestKey?: string): Promise<LinkOutcome> {
    if (target.id === manager.person.id) return { ok: false, reason: 'linkSelf' };
    const { directory, store } = this.deps;
    const driver = /^\d+$/.test(who) ? await directory.byId(Number(who)) : await directory.byEmail(who);
    if (!driver) return { ok: false, reason: 'individuNotFound' };
    if (!(await holds(manager.scope, driver.individuId, directory))) return { ok: false, reason: 'outsideScope', driver };
    if (target.individu_id !== null && !(await holds(manager.scope, target.individu_id, directory))) return { ok: false, reason: 'outsideScope' };
    const owned = await this.ownedBySomeoneElse(driver, target);
    if (owned === 'unknown') return { ok: false, reason: 'ownerUnchecked', driver };
    if (owned) return { ok: false, reason: 'linkTaken', driver };
    const done = await store.once(requestKey, async (tx) => {
      await tx.people.link(target.id, driver.individuId, 'manual');
      await tx.auditLog.add(manager.ref, 'link', personRef(target), { individuId: driver.individuId });
    });
    if (!done) return { ok: false, reason: 'replayed', driver };
    await this.tell(target, 'link.toldLinked', { manager: managerName(manager), name: driverName(driver) });
    return { ok: true, driver };
  }

  async unlink(manager: Actor, target: Person, requestKey?: string): Promise<LinkOutcome> {
    if (target.id !== manager.person.id && !(await holds(manager.scope, target.individu_id, this.deps.directory))) return { ok: false, reason: 'outsideScope' };
    // A manual unlink sticks: the e-mail match will not link them again by itself.
    const done = await this.deps.store.once(requestKey, async (tx) => {
      await tx.people.link(target.id, null, 'manual');
      await tx.auditLog.add(manager.ref, 'unlink', personRef(target), { individuId: target.individu_id });
    });
    if (!done) return { ok: false, reason: 'replayed' };
    if (target.id !== manager.person.id) await this.tell(target, 'link.toldUnlinked', { manager: managerName(manager) });
    return { ok: true };
  }

  /**
   * The driver's own e-mail belongs to another user of the target's platform (known to us, or
   * found there); 'unknown' when the platform could not be asked: no link is made on a guess.
   */
  private async ownedBySomeoneElse(driver: Driver, target: Person): Promise<boolean | 'unknown'> {
    if (!driver.email) return false;
    if (target.email === driver.email) return false;
    const known = await this.deps.store.people.byEmail(driver.email);
    if (known.some((p) => p.platform === target.platform && p.id !== target.id)) return true;
    const port = this.deps.ports.get(target.platform);
    if (!port || !canDiscover(port)) return false;
    try {
      const found = await port.discover(driver.email);
      return Boolean(found && found.chatUserId !== target.chat_user_id);
    } catch (error) {
      this.deps.logger?.warn(
        { platform: target.platform, err: error instanceof Error ? error.message : String(error) },
        "a link was refused: the e-mail's owner could not be looked up",
      );
      return 'unknown';
    }
  }

  /** A direct message to the person a manager just linked or unlinked; a failure is logged, not thrown. */
  private async tell(person: Person, key: string, params: Record<string, string>): Promise<void> {
    const port = this.deps.ports.get(person.platform);
    if (!port) return;
    const t = translator(localeOf(person, this.deps.defaultLocale));
    try {
      await port.sendDirect(person, textView(t.t(key, params), 'warning'), {});
    } catch (error) {
      this.deps.logger?.warn({ person: person.id, err: error instanceof Error ? error.message : String(error) }, 'the person linked could not be told');
    }
  }
}

function managerName(manager: Actor): string {
  return manager.driver ? driverName(manager.driver) : (manager.person.display_name ?? manager.person.email ?? manager.ref);
}
