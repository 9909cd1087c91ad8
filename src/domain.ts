/*
 * The words of the domain that every layer uses: which chat platform, who someone is to the
 * bot, what a driver answered, which language we speak. Nothing here depends on anything else.
 */

export type Platform = 'slack' | 'teams' | 'web';
export type Role = 'driver' | 'manager';
export type Choice = 'private' | 'professional';
export type Locale = 'fr' | 'en';
/** How a chat account was linked to an Ocean driver: by the same e-mail, or by a manager. */
export type LinkSource = 'email' | 'manual';

/**
 * A person of the chat, one account on one platform, as the store keeps it (its people table's
 * row; store/schema.ts checks that the two keep the same shape). The adapters address a message
 * to a Person.
 */
export interface Person {
  id: number;
  platform: Platform;
  /** Slack team id, Teams tenant id, or "sandbox". */
  workspace_id: string;
  chat_user_id: string;
  display_name: string | null;
  email: string | null;
  /** The Ocean driver (individu) the account is linked to; null: not linked. */
  individu_id: number | null;
  link_source: LinkSource | null;
  /** The platform's locale for the user, as last seen. */
  locale: string | null;
  /** The language the user chose with `/privacy language`; wins over `locale`. */
  preferred_locale: string | null;
  /** A role given in the store (by a manager); MANAGER_EMAILS applies on top. */
  role: Role | null;
  /** Suggestions from the driver's own answers (`/privacy suggestions off|on`). */
  suggestions: boolean;
  /** When the bot welcomed them; null: not yet. */
  welcomed_at: Date | null;
  last_seen_at: Date;
  /** When the platform last said who they are; null when it never did. */
  profile_at: Date | null;
  created_at: Date;
}

/** Where and when a trip started, in the fleet's time zone (suggestions from a driver's own answers). */
export interface TripSlot {
  fromTown: string;
  toTown: string;
  startAt: Date;
  /** Saturday or Sunday. */
  weekend: boolean;
  /** Minute of the day, 0 to 1439. */
  startMinute: number;
}

/** A trip of a driver's history: its slot and the answer it got. */
export interface HistoryRow extends TripSlot {
  tripId: number;
  choice: Choice;
}

/*
 * A part of the fleet as people name it: an Ocean entity (`entite`) or group (`groupe`), by its
 * Ocean id or its name. The same words serve MANAGERS (`paul@x.fr=entity:Agence Lyon,
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
