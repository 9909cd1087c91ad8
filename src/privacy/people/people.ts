import type { Clock } from '../../clock';
import type { Locale, Role } from '../../domain';
import { supportedLocale, type Translator, translator } from '../../i18n';
import type { Log } from '../../log';
import { OceanError } from '../../ocean/errors';
import type { ChatIdentity, Person, PromptWithAnswers, SeenPerson, Store } from '../../store';
import { type Driver, foldName, type OceanDirectory } from '../directory';
import { type ChannelTarget, type ChatPorts, canDiscover, type Profile } from '../ports';
import { type ManagerScopes, Scope } from '../scope';

/**
 * What a platform says about a user (e-mail, language, name) is asked again once the store's copy
 * is this old: once a day at most per user, whatever the number of instances and restarts.
 */
export const PROFILE_MAX_AGE_MS = 24 * 60 * 60_000;
/** `last_seen_at` is kept to this precision: a burst of requests from one person writes their row once. */
const SEEN_PRECISION_MS = 10 * 60_000;

/**
 * Who a command is about, as each platform lets people name someone: a mention (Slack's
 * `<@U123>`, a Teams @mention the adapter turned into `<@id>`), an e-mail address, or a name
 * (`@Antoine Fournier`, `julien`: the web chat, or Teams without a mention).
 */
export type Target = { kind: 'mention'; userId: string } | { kind: 'email'; email: string } | { kind: 'name'; name: string };

/** A chat request as the core sees it: who made it, and how to ask their platform about people. */
export interface ChatRequest {
  user: ChatIdentity;
  /** The request's id: it goes with the Ocean calls made for it, and into the logs. */
  requestId?: string;
  /**
   * The platform's name for this very request; a replay carries the same one. Every effect of the
   * request is written together with it, so a replay changes nothing.
   */
  requestKey?: string;
  /** Ids the same user was stored under before (a Teams user keyed by `from.id` before the AAD id). */
  formerIds?: string[];
  /** Asks the platform about one of its users (users.info, getMember), as this request can reach it. */
  profile?: (chatUserId: string) => Promise<Profile | undefined>;
  /**
   * The channel the request was written in (a Teams channel), and how to post there later;
   * absent in a personal chat. Everyone in a channel sees what the bot answers there.
   */
  channel?: ChannelTarget;
}

/** The person behind a chat request, as the business rules see them. */
export interface Actor {
  person: Person;
  role: Role;
  locale: Locale;
  t: Translator;
  /** The Ocean driver they are linked to, if any. */
  individuId: number | null;
  driver: Driver | undefined;
  /** A manager's part of the fleet (promise 9); undefined for a driver. */
  scope: Scope | undefined;
  /** How to name them in the audit trail: `slack:T_FLEET:U_ALICE`. */
  ref: string;
  /** The chat request they made (its id goes with the Ocean calls made for it, and the logs). */
  requestId?: string;
}

export interface PeopleOptions {
  store: Store;
  directory: OceanDirectory;
  /** Who manages what (MANAGER_EMAILS, MANAGERS). */
  scopes: ManagerScopes;
  defaultLocale: Locale;
  clock: Clock;
  /** Where to find a user never heard from, by e-mail or name (Slack's users.lookupByEmail). */
  ports?: ChatPorts;
  logger?: Log;
}

export function personRef(identity: ChatIdentity | Person): string {
  return 'chat_user_id' in identity
    ? `${identity.platform}:${identity.workspace_id}:${identity.chat_user_id}`
    : `${identity.platform}:${identity.workspaceId}:${identity.chatUserId}`;
}

/**
 * Who is who: a chat user becomes an Ocean driver by e-mail (the platform's e-mail matched in
 * `individus/list`), or by a manager's hand when e-mails differ. Managers are the e-mails in
 * MANAGER_EMAILS and MANAGERS (each with their scope) and whoever the store marks as manager. What a platform says about a user
 * (e-mail, language, name) is kept in the store and asked again once a day at most.
 */
export class PeopleService {
  constructor(private readonly options: PeopleOptions) {}

  /**
   * The person behind a request, with their Ocean link. The platform is asked who they are
   * (users.info, getMember) only when the store does not know them or its copy of their profile
   * is older than PROFILE_MAX_AGE_MS; otherwise the request costs one statement (two when their
   * driver had been forgotten: they are remembered).
   */
  async identify(request: ChatRequest): Promise<Actor> {
    return (await this.identifyClaiming(request)).actor;
  }

  /**
   * `identify`, and with `claimKey` the request claimed in the same first statement (a command
   * that changes nothing is run once: `claimed` is false for a replay). With `promptsSince`, that
   * statement reads the driver's recent prompts with their answers too (`/privacy`): `prompts`
   * holds them when they are the actor's driver's (undefined when the link changed meanwhile).
   */
  async identifyClaiming(
    request: ChatRequest,
    claimKey?: string,
    promptsSince?: string,
  ): Promise<{ actor: Actor; claimed: boolean; prompts?: PromptWithAnswers[] }> {
    const { store, clock } = this.options;
    const { user } = request;
    await this.adoptFormerIds(request);
    const now = clock.now();
    const first = await store.people.meetClaiming(user, now, new Date(now.getTime() - SEEN_PRECISION_MS), claimKey, promptsSince);
    let met = first.met;
    if (!met || this.profileIsOld(met.person, now)) {
      const profile = await this.profileOf(request);
      if (profile || !met) {
        const seen: SeenPerson = { ...user, email: profile?.email, locale: profile?.locale, displayName: profile?.displayName };
        met = await store.people.seeing(seen, { profiled: profile !== undefined });
      }
    }
    const actor = await this.actorFor(met.person, request.requestId);
    // Someone a manager had the bot forget wrote to it: they may be prompted again.
    if (actor.individuId !== null && (met.forgotten || actor.individuId !== met.person.individu_id)) await store.erasure.remembered(actor.individuId);
    // Prompts read for the driver the store linked them to: theirs only while that link holds.
    const prompts = first.prompts && actor.individuId !== null && actor.individuId === first.met?.person.individu_id ? first.prompts : undefined;
    return { actor, claimed: first.claimed, ...(prompts ? { prompts } : {}) };
  }

  private profileIsOld(person: Person, now: Date): boolean {
    return !person.profile_at || now.getTime() - new Date(person.profile_at).getTime() >= PROFILE_MAX_AGE_MS;
  }

  /** The person as the store knows them: no call to the platform or to Ocean (before an acknowledgement). */
  async known(request: ChatRequest): Promise<Person | undefined> {
    await this.adoptFormerIds(request);
    return this.options.store.people.find(request.user);
  }

  /** Their language, from the store alone. */
  async translatorFor(request: ChatRequest): Promise<Translator> {
    const person = await this.known(request);
    return translator(person ? localeOf(person, this.options.defaultLocale) : this.options.defaultLocale);
  }

  async actorFor(person: Person, requestId?: string): Promise<Actor> {
    let current = person;
    let driver: Driver | undefined;
    try {
      if (current.link_source !== 'manual' && current.email) {
        const match = await this.options.directory.byEmail(current.email);
        const individuId = match?.individuId ?? null;
        if (individuId !== current.individu_id) {
          await this.options.store.people.link(current.id, individuId, individuId === null ? null : 'email');
          current = { ...current, individu_id: individuId, link_source: individuId === null ? null : 'email' };
        }
        driver = match;
      } else if (current.individu_id !== null) {
        driver = await this.options.directory.byId(current.individu_id);
      }
    } catch (error) {
      // Ocean unreachable: keep the link we already had.
      if (!(error instanceof OceanError)) throw error;
      this.options.logger?.warn({ err: error.message }, 'Ocean directory unavailable; using stored links');
    }
    const locale = localeOf(current, this.options.defaultLocale);
    const role = this.roleOf(current);
    return {
      person: current,
      role,
      scope: role === 'manager' ? await this.scopeOf(current) : undefined,
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
    return this.options.scopes.isManager(person.email) ? 'manager' : 'driver';
  }

  /** A manager's scope: as MANAGER_EMAILS or MANAGERS give it; a manager by the store's role alone sees the fleet. */
  async scopeOf(person: Person): Promise<Scope | undefined> {
    const configured = await this.options.scopes.scopeOf(person.email);
    if (configured) return configured;
    return person.role === 'manager' ? Scope.fleet() : undefined;
  }

  /**
   * The person a command names, on the asker's platform and workspace: known to the store, or
   * found on the platform (then stored as never heard from). 'ambiguous' when a name fits several.
   */
  async find(request: ChatRequest, target: Target): Promise<Person | 'ambiguous' | undefined> {
    const { store } = this.options;
    const { platform, workspaceId } = request.user;
    const keep = (found: Profile & { workspaceId?: string }) =>
      store.people.see(
        {
          platform,
          workspaceId: found.workspaceId ?? workspaceId,
          chatUserId: found.chatUserId,
          email: found.email,
          displayName: found.displayName,
          locale: found.locale,
        },
        { discovered: true },
      );
    const port = this.options.ports?.get(platform);
    switch (target.kind) {
      case 'mention': {
        const known = await store.people.find({ platform, workspaceId, chatUserId: target.userId });
        if (known) return known;
        const profile = await request.profile?.(target.userId).catch(() => undefined);
        if (!profile) return undefined;
        return (await store.people.find({ platform, workspaceId, chatUserId: profile.chatUserId })) ?? keep(profile);
      }
      case 'email': {
        const same = (await store.people.byEmail(target.email)).find((p) => p.platform === platform);
        if (same) return same;
        const found = port && canDiscover(port) ? await port.discover(target.email) : undefined;
        return found ? keep({ ...found, email: target.email }) : undefined;
      }
      case 'name': {
        const wanted = foldName(target.name);
        const known = await store.people.ofWorkspace(platform, workspaceId);
        const matches = known.filter((p) => foldName(p.display_name ?? '') === wanted || foldName(p.chat_user_id) === wanted);
        if (matches.length > 1) return 'ambiguous';
        if (matches[0]) return matches[0];
        // A first name alone names the one person who has it, among those known and those the platform finds.
        const byFirst = wanted.includes(' ') ? [] : known.filter((p) => foldName(p.display_name ?? '').split(' ')[0] === wanted);
        if (byFirst.length > 1) return 'ambiguous';
        const found = port && canDiscover(port) ? await port.discoverByName?.(target.name) : undefined;
        if (byFirst[0] && found && found.chatUserId !== byFirst[0].chat_user_id) return 'ambiguous';
        if (byFirst[0]) return byFirst[0];
        return found ? keep(found) : undefined;
      }
    }
  }

  /** What the platform says about the user; undefined when it does not say (the store's copy is used then). */
  private async profileOf(request: ChatRequest): Promise<Profile | undefined> {
    if (!request.profile) return undefined;
    try {
      return await request.profile(request.user.chatUserId);
    } catch (error) {
      this.options.logger?.warn(
        { platform: request.user.platform, err: error instanceof Error ? error.message : String(error) },
        'the chat platform did not say who the user is; using what the store knows',
      );
      return undefined;
    }
  }

  /** A user stored under a former id (Teams' `from.id`) keeps their link and conversation under the new one. */
  private async adoptFormerIds(request: ChatRequest): Promise<void> {
    for (const former of request.formerIds ?? []) {
      if (former === request.user.chatUserId) continue;
      await this.options.store.people.rename({ ...request.user, chatUserId: former }, request.user.chatUserId);
    }
  }
}

/** The language to speak to a person in, without asking anyone. */
export function localeOf(person: Person, defaultLocale: Locale): Locale {
  return supportedLocale(person.preferred_locale) ?? supportedLocale(person.locale) ?? defaultLocale;
}
