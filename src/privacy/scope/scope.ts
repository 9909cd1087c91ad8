import type { UnitKind } from '../../domain';
import type { Driver, OrgUnit } from '../directory';

/** An entity or a group of the fleet, resolved against Ocean's directory. */
export interface Unit extends OrgUnit {
  kind: UnitKind;
}

/** The people of one entity, of one group, or of both at once (a narrowed scope). */
interface Term {
  entity?: Unit;
  group?: Unit;
}

/** What the analysis is asked for a scope (Ocean's `filter` lists), or nobody at all. */
export type ScopeFilter = { entities?: number[]; groups?: number[]; persons?: number[] } | 'nobody' | undefined;

/**
 * The part of the fleet a manager sees (promise 9): the whole fleet, or the people of some
 * entities and groups (a person in any of them is in). Every manager feature reads its data
 * through one: the analysis is filtered by it and its rows are checked against it again, the
 * unanswered list and the reminders keep only the people in it, a person outside it cannot be
 * linked, forgotten nor have their hours looked at.
 *
 * A scope is a union of terms; narrowing it (`entity Agence Lyon` on a report) keeps of each
 * term the part inside the unit, so a narrowed scope is never wider than the manager's.
 */
export class Scope {
  private constructor(
    private readonly terms: Term[] | 'fleet',
    /** Ocean could not be asked what the scope's names are: it holds nobody until it can. */
    readonly unresolved = false,
  ) {}

  static fleet(): Scope {
    return new Scope('fleet');
  }

  static of(units: Unit[]): Scope {
    return new Scope(units.map((u) => (u.kind === 'entity' ? { entity: u } : { group: u })));
  }

  /** A scope whose names could not be resolved yet (Ocean unreachable): nobody is in it. */
  static unavailable(): Scope {
    return new Scope([], true);
  }

  get whole(): boolean {
    return this.terms === 'fleet';
  }

  /** Whether a person (their entity and group as Ocean's directory gives them) is in the scope. */
  includes(member: Pick<Driver, 'entity' | 'group'> | undefined): boolean {
    if (this.terms === 'fleet') return true;
    if (!member) return false;
    return this.terms.some(
      (term) => (!term.entity || term.entity.id === member.entity?.id) && (!term.group || term.group.id === member.group?.id) && (term.entity || term.group),
    );
  }

  /** The part of this scope inside `unit`; undefined when there is none by construction. */
  narrow(unit: Unit): Scope | undefined {
    const key = unit.kind;
    if (this.terms === 'fleet') return new Scope([{ [key]: unit }]);
    const terms: Term[] = [];
    for (const term of this.terms) {
      const held = term[key];
      if (held && held.id !== unit.id) continue;
      terms.push({ ...term, [key]: unit });
    }
    const unique = [...new Map(terms.map((t) => [termKey(t), t])).values()];
    return unique.length ? new Scope(unique, this.unresolved) : undefined;
  }

  /** How the scope is named in a report's title; undefined for the whole fleet. */
  label(): string | undefined {
    if (this.terms === 'fleet') return undefined;
    return this.terms.map((t) => [t.entity?.name, t.group?.name].filter(Boolean).join(' / ')).join(', ');
  }

  /** How the scope is named in a file name (`agence-lyon`); undefined for the whole fleet. */
  slug(): string | undefined {
    const label = this.label();
    if (label === undefined) return undefined;
    const slug = label
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '');
    return slug || 'scope';
  }

  /** A key telling scopes apart (the weekly digest makes one report per scope). */
  key(): string {
    if (this.terms === 'fleet') return '*';
    return this.terms.map(termKey).sort().join(',');
  }

  /**
   * The analysis filter of this scope. Entities alone or groups alone go as Ocean's `entities` /
   * `groups`; a mix goes as the `persons` it holds in the directory, since Ocean does not say
   * whether its lists combine as "and" or "or". 'nobody': nothing to ask (never an empty list,
   * which Ocean would read as the whole fleet).
   */
  filter(directory: Driver[]): ScopeFilter {
    if (this.terms === 'fleet') return undefined;
    if (!this.terms.length) return 'nobody';
    if (this.terms.every((t) => t.entity && !t.group)) return { entities: this.terms.map((t) => (t.entity as Unit).id) };
    if (this.terms.every((t) => t.group && !t.entity)) return { groups: this.terms.map((t) => (t.group as Unit).id) };
    const persons = directory.filter((d) => this.includes(d)).map((d) => d.individuId);
    return persons.length ? { persons } : 'nobody';
  }
}

function termKey(term: Term): string {
  return `${term.entity ? `e${term.entity.id}` : ''}${term.group ? `g${term.group.id}` : ''}`;
}
