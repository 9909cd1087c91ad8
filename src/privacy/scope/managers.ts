import { describeRef, type ManagerSetting, type UnitRef } from '../../domain';
import type { Log } from '../../log';
import { type Driver, foldName, type OceanDirectory } from '../directory';
import { Scope, type Unit } from './scope';

/** A scope naming an entity or a group Ocean does not have (or a name two of them share). */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

export interface ManagerScopesOptions {
  /** MANAGERS: each manager with their scope. */
  settings: ManagerSetting[];
  /** MANAGER_EMAILS: managers of the whole fleet. */
  fleetEmails: string[];
  directory: Pick<OceanDirectory, 'all' | 'byId'>;
  logger?: Log;
}

/**
 * Who manages what: MANAGER_EMAILS and `*` in MANAGERS see the whole fleet, the others the
 * entities and groups MANAGERS gives them, by Ocean id or name. Names become ids once, against
 * Ocean's `individus/list` (checked at start: a wrong scope stops it); which people are in an
 * entity or a group is read from the directory each time a scope is used.
 */
export class ManagerScopes {
  private readonly settings = new Map<string, ManagerSetting['scope']>();
  private resolved: Map<string, Scope> | undefined;
  private resolving: Promise<Map<string, Scope>> | undefined;

  constructor(private readonly options: ManagerScopesOptions) {
    for (const email of options.fleetEmails) this.settings.set(email.toLowerCase(), 'fleet');
    for (const setting of options.settings) this.settings.set(setting.email, setting.scope);
  }

  /** Every manager's e-mail, whatever their scope. */
  emails(): string[] {
    return [...this.settings.keys()];
  }

  isManager(email: string | null | undefined): boolean {
    return Boolean(email && this.settings.has(email.toLowerCase()));
  }

  /**
   * Resolves every scope now (at start): a name or an id Ocean does not have throws a
   * ScopeError naming it; Ocean unreachable throws its OceanError (the caller may start anyway:
   * scopes are then resolved at their first use).
   */
  async check(): Promise<void> {
    await this.resolve();
  }

  /**
   * A manager's scope. When Ocean cannot be asked what its names are, a scope that holds
   * nobody (and says so): a scoped manager never sees more for an outage.
   */
  async scopeOf(email: string | null | undefined): Promise<Scope | undefined> {
    const key = email?.toLowerCase();
    const setting = key ? this.settings.get(key) : undefined;
    if (!key || setting === undefined) return undefined;
    if (setting === 'fleet') return Scope.fleet();
    try {
      return (await this.resolve()).get(key) ?? Scope.unavailable();
    } catch (error) {
      this.options.logger?.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "a manager's scope could not be resolved against Ocean: they see nobody until it can",
      );
      return Scope.unavailable();
    }
  }

  /** An entity or a group a manager names in a command, against Ocean's directory. */
  async unit(ref: UnitRef): Promise<Unit | 'ambiguous' | undefined> {
    const found = findUnit(unitsOf(await this.options.directory.all()), ref);
    return Array.isArray(found) ? 'ambiguous' : found;
  }

  /** Whether an Ocean person is in a manager's scope (see `holds`). */
  holds(scope: Scope | undefined, individuId: number | null): Promise<boolean> {
    return holds(scope, individuId, this.options.directory);
  }

  private resolve(): Promise<Map<string, Scope>> {
    if (this.resolved) return Promise.resolve(this.resolved);
    this.resolving ??= this.load().finally(() => {
      this.resolving = undefined;
    });
    return this.resolving;
  }

  private async load(): Promise<Map<string, Scope>> {
    const scoped = [...this.settings].filter((entry): entry is [string, UnitRef[]] => entry[1] !== 'fleet');
    const scopes = new Map<string, Scope>();
    if (scoped.length) {
      const units = unitsOf(await this.options.directory.all());
      for (const [email, refs] of scoped) {
        const resolved = refs.map((ref) => {
          const found = findUnit(units, ref);
          if (Array.isArray(found))
            throw new ScopeError(
              `names ${describeRef(ref)} for ${email}, a name ${found.length} ${ref.kind === 'entity' ? 'entities' : 'groups'} of Ocean share (ids ${found.map((u) => u.id).join(', ')}): use the id`,
            );
          if (!found)
            throw new ScopeError(
              `names ${describeRef(ref)} for ${email}, which Ocean's individus/list does not have: check the ${ref.kind === 'entity' ? "entity's" : "group's"} id or name in Ocean`,
            );
          return found;
        });
        scopes.set(email, Scope.of(resolved));
      }
    }
    this.resolved = scopes;
    return scopes;
  }
}

/** The entities and groups people belong to, by kind and id. */
function unitsOf(drivers: Driver[]): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const driver of drivers) {
    if (driver.entity) units.set(`entity:${driver.entity.id}`, { kind: 'entity', ...driver.entity });
    if (driver.group) units.set(`group:${driver.group.id}`, { kind: 'group', ...driver.group });
  }
  return units;
}

/** The unit a reference names; several when a name is shared (case and accents aside). */
function findUnit(units: Map<string, Unit>, ref: UnitRef): Unit | Unit[] | undefined {
  if ('id' in ref) return units.get(`${ref.kind}:${ref.id}`);
  const wanted = foldName(ref.name);
  const matches = [...units.values()].filter((u) => u.kind === ref.kind && foldName(u.name) === wanted);
  return matches.length > 1 ? matches : matches[0];
}

/**
 * Whether the Ocean person `individuId` is in `scope`, as Ocean's directory places them now.
 * Nobody is in a driver's (undefined) scope; a person the bot has no Ocean link for is in the
 * whole fleet's only (a scoped manager cannot tell where they belong).
 */
export async function holds(scope: Scope | undefined, individuId: number | null, directory: Pick<OceanDirectory, 'byId'>): Promise<boolean> {
  if (!scope) return false;
  if (scope.whole) return true;
  if (individuId === null) return false;
  return scope.includes(await directory.byId(individuId));
}
