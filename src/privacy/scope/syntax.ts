import { z } from 'zod';

/*
 * The words that name a part of the fleet: an Ocean entity (`entite`) or group (`groupe`), by
 * its Ocean id or its name. The same words serve MANAGERS (`paul@x.fr=entity:Agence Lyon,
 * entity:12`) and a manager narrowing a report (`entity "Agence Lyon"`, `groupe Commerciaux`).
 */

export type UnitKind = 'entity' | 'group';

/** An entity or a group as someone wrote it: by id (digits) or by name (anything else, or quoted). */
export type UnitRef = { kind: UnitKind; id: number } | { kind: UnitKind; name: string };

/** A manager as MANAGERS names them: the whole fleet, or some entities and groups. */
export interface ManagerSetting {
  email: string;
  scope: 'fleet' | UnitRef[];
}

const KIND_WORDS: Record<string, UnitKind> = {
  entity: 'entity',
  entite: 'entity',
  entité: 'entity',
  group: 'group',
  groupe: 'group',
};

/** `entity`, `entité`, `group`, `groupe` (any case), or undefined. */
export function unitKind(word: string): UnitKind | undefined {
  return KIND_WORDS[word.toLowerCase()];
}

/** Quotes people type around a name, straight or curly. */
const QUOTED = /^["'“”«»‘’]\s*([\s\S]*?)\s*["'“”«»‘’]$/;

/** A name or an id after `entity`: digits are an Ocean id, unless quoted. */
export function unitRef(kind: UnitKind, value: string): UnitRef | undefined {
  const trimmed = value.trim();
  const quoted = QUOTED.exec(trimmed);
  const text = (quoted ? (quoted[1] as string) : trimmed).replace(/\s+/g, ' ');
  if (!text || text.length > 100 || /[<>]/.test(text)) return undefined;
  if (!quoted && /^\d{1,15}$/.test(text)) {
    const id = Number(text);
    return id > 0 ? { kind, id } : undefined;
  }
  return { kind, name: text };
}

/** How a reference is written back (in errors, in the docs' syntax). */
export function describeRef(ref: UnitRef): string {
  return 'id' in ref ? `${ref.kind}:${ref.id}` : `${ref.kind}:${ref.name}`;
}

const Email = z.email();

/**
 * MANAGERS: `email=scope` separated by `;` (or new lines); a scope is `*` (the whole fleet) or
 * `entity:<id or name>` / `group:<id or name>` separated by `,`. Throws an Error whose message
 * names the part that is wrong and says what is expected.
 */
export function parseManagers(value: string): ManagerSetting[] {
  const managers: ManagerSetting[] = [];
  const seen = new Set<string>();
  for (const part of value.split(/[;\n]/)) {
    const entry = part.trim();
    if (!entry) continue;
    const equals = entry.indexOf('=');
    if (equals < 0) throw new Error(`"${entry}" has no scope: write e-mail=* (whole fleet) or e-mail=entity:<id or name>, group:<id or name>`);
    const email = entry.slice(0, equals).trim().toLowerCase();
    if (!Email.safeParse(email).success) throw new Error(`"${entry.slice(0, equals).trim()}" is not an e-mail address`);
    if (seen.has(email)) throw new Error(`names ${email} twice: give each manager one entry, their units separated by commas`);
    seen.add(email);
    const scopeText = entry.slice(equals + 1).trim();
    if (scopeText === '*') {
      managers.push({ email, scope: 'fleet' });
      continue;
    }
    const refs: UnitRef[] = [];
    for (const item of scopeText.split(',')) {
      const text = item.trim();
      const colon = text.indexOf(':');
      const kind = colon > 0 ? unitKind(text.slice(0, colon).trim()) : undefined;
      const ref = kind && unitRef(kind, text.slice(colon + 1));
      if (!ref)
        throw new Error(
          `has "${text || scopeText}" in the scope of ${email}: expected * or entity:<Ocean id or name> / group:<Ocean id or name>, separated by commas`,
        );
      refs.push(ref);
    }
    managers.push({ email, scope: refs });
  }
  return managers;
}
