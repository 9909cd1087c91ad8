import type { Store } from '../../store';
import { type Driver, driverName, type OceanDirectory, privateModeOff } from '../directory';
import type { ChatPorts } from '../ports';
import { type UnreachableReason, unreachableReasons } from './reasons';

/** Reasons only an install or a send can find: the store alone cannot tell them. */
const FOUND_BY_TRYING: ReadonlySet<UnreachableReason> = new Set(['notInTenant', 'installRefused', 'blocked']);

/** A driver with a vehicle to declare for whom no morning message can be sent, and why. */
export interface Unreachable {
  individuId: number;
  name: string;
  reason: UnreachableReason;
}

export interface ReachDeps {
  store: Store;
  directory: Pick<OceanDirectory, 'all'>;
  ports: ChatPorts;
}

/**
 * Who cannot be reached, from Ocean's list of drivers and the store alone (no platform is asked):
 * their trips stay as Ocean has them, so a manager is told, with what to do about it. Drivers
 * with private mode off have nothing to declare, and drivers a manager had the bot forget are
 * left alone on purpose: neither is listed.
 */
export class Reach {
  constructor(private readonly deps: ReachDeps) {}

  /** Among the drivers `within` keeps (a manager's scope), or the whole fleet. */
  async unreachable(within?: (driver: Driver) => boolean): Promise<Unreachable[]> {
    const drivers = (await this.deps.directory.all()).filter((d) => d.vehicles.length > 0 && !privateModeOff(d) && (!within || within(d)));
    const ids = drivers.map((d) => d.individuId);
    const forgotten = await this.deps.store.erasure.forgotten(ids);
    // What installs and sends found (not in the tenant, install refused, blocked) says more than the
    // store; the other reasons are read from the store as it is now, so a driver who has since
    // joined the chat or installed the app is not listed from an older run's note.
    const recorded = await unreachableReasons(this.deps.store, ids);
    const found: Unreachable[] = [];
    for (const driver of drivers) {
      if (forgotten.has(driver.individuId)) continue;
      const fact = recorded.get(driver.individuId);
      const reason = fact && FOUND_BY_TRYING.has(fact) ? fact : await this.reasonFor(driver);
      if (reason) found.push({ individuId: driver.individuId, name: driverName(driver), reason });
    }
    return found.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }

  /** Why the driver cannot be reached, or undefined when one of their chat accounts can be. */
  private async reasonFor(driver: Driver): Promise<UnreachableReason | undefined> {
    const { store, ports } = this.deps;
    const people = (await store.people.forIndividu(driver.individuId)).filter((p) => ports.get(p.platform));
    for (const person of people) {
      // Teams writes only in a conversation the app was installed in; other platforms open one.
      if (person.platform !== 'teams' || (await store.conversations.of(person.id))?.active) return undefined;
    }
    if (people.length) return 'notInstalled';
    return driver.email ? 'notInChat' : 'noEmail';
  }
}
