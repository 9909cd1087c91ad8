import { type Expression, type Kysely, sql } from 'kysely';
import type { Clock } from '../clock';
import type { Platform, Role } from '../domain';
import type { ChatIdentity, SeenPerson } from './identity';
import { type PromptWithAnswers, promptsWithAnswersFromJson, recentWithAnswersJson } from './prompts';
import { claimRequestSql } from './requests';
import type { Database, LinkSource, Person } from './schema';

/** Chat users the bot has met or found, and their link to an Ocean driver. */
export class PeopleTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that a chat user was seen; keeps what the platform told us fresh. A person only
   * discovered (looked up by e-mail, never heard from) is stored as never seen, so that the
   * platform a driver really used stays first. `profiled`: the platform just said who they are
   * (a discovery always did).
   */
  async see(seen: SeenPerson, options: { discovered?: boolean; profiled?: boolean } = {}): Promise<Person> {
    return (await this.seeing(seen, options)).person;
  }

  /** `see`, and whether the person's Ocean driver is among the forgotten, in the same statement. */
  async seeing(seen: SeenPerson, options: { discovered?: boolean; profiled?: boolean } = {}): Promise<Met> {
    const now = options.discovered ? new Date(0) : this.clock.now();
    const profiledAt = options.discovered || options.profiled ? this.clock.now() : null;
    const email = seen.email?.trim().toLowerCase() || null;
    const row = await this.db
      .insertInto('people')
      .values({
        platform: seen.platform,
        workspace_id: seen.workspaceId,
        chat_user_id: seen.chatUserId,
        display_name: seen.displayName ?? null,
        email,
        locale: seen.locale ?? null,
        last_seen_at: now,
        profile_at: profiledAt,
      })
      .onConflict((oc) =>
        oc.constraint('people_identity').doUpdateSet((eb) => ({
          last_seen_at: options.discovered ? eb.ref('people.last_seen_at') : now,
          display_name: eb.fn.coalesce(eb.val(seen.displayName ?? null), eb.ref('people.display_name')),
          email: eb.fn.coalesce(eb.val(email), eb.ref('people.email')),
          locale: eb.fn.coalesce(eb.val(seen.locale ?? null), eb.ref('people.locale')),
          profile_at: eb.fn.coalesce(eb.val(profiledAt), eb.ref('people.profile_at')),
        })),
      )
      .returningAll()
      .returning((eb) => forgottenFlag(eb.ref('people.individu_id')))
      .executeTakeFirstOrThrow();
    return split(row);
  }

  /**
   * The person as the store knows them, and whether their Ocean driver is among the forgotten, in
   * one statement; `last_seen_at` is brought to `now` when it is older than `seenBefore` (so a
   * burst of requests writes the row once).
   */
  async meet(identity: ChatIdentity, now: Date, seenBefore: Date): Promise<Met | undefined> {
    return (await this.meetClaiming(identity, now, seenBefore)).met;
  }

  /**
   * `meet`, and with `claimKey` the request's claim (as Store.claim makes it) in the same
   * statement: what a command's first read costs. `claimed` is true when the key was new. With
   * `promptsSince`, the same statement reads the person's recent prompts with their answers too
   * (as PromptTable.recentWithAnswers gives them, for the driver the store links them to):
   * a `/privacy` needs nothing else.
   */
  async meetClaiming(
    identity: ChatIdentity,
    now: Date,
    seenBefore: Date,
    claimKey?: string,
    promptsSince?: string,
  ): Promise<{ met: Met | undefined; claimed: boolean; prompts?: PromptWithAnswers[] }> {
    const prompts = promptsSince === undefined ? sql`null` : recentWithAnswersJson(sql.ref('found.individu_id'), promptsSince);
    const { rows } = await sql<(Person & { forgotten: boolean }) | { id: null; claimed: boolean; prompts: unknown }>`
      with found as (
        select * from people where platform = ${identity.platform} and workspace_id = ${identity.workspaceId} and chat_user_id = ${identity.chatUserId}
      ),
      touched as (
        update people set last_seen_at = ${now} from found where people.id = found.id and found.last_seen_at < ${seenBefore} returning people.id
      ),
      claimed as (${claimRequestSql(claimKey, now)})
      select found.*, exists (select 1 from forgotten f where f.individu_id = found.individu_id) as forgotten, exists (select 1 from claimed) as claimed,
        ${prompts} as prompts
      from (select 1) as one left join found on true`.execute(this.db);
    const row = rows[0] as (Person & { forgotten: boolean; claimed: boolean; prompts: unknown }) | undefined;
    if (!row) return { met: undefined, claimed: claimKey === undefined };
    const { claimed, prompts: read, ...rest } = row;
    const met = rest.id === null ? undefined : split(rest);
    return {
      met,
      claimed: claimKey === undefined || Boolean(claimed),
      ...(promptsSince !== undefined && met?.person.individu_id != null ? { prompts: promptsWithAnswersFromJson(read) } : {}),
    };
  }

  find(identity: ChatIdentity): Promise<Person | undefined> {
    return this.db
      .selectFrom('people')
      .selectAll()
      .where('platform', '=', identity.platform)
      .where('workspace_id', '=', identity.workspaceId)
      .where('chat_user_id', '=', identity.chatUserId)
      .executeTakeFirst();
  }

  byId(id: number): Promise<Person | undefined> {
    return this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Several people at once, by id (those the store no longer has are left out). */
  async byIds(ids: readonly number[]): Promise<Map<number, Person>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.db.selectFrom('people').selectAll().where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Everyone linked to an Ocean individu, most recently seen first. */
  forIndividu(individuId: number): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('individu_id', '=', individuId).orderBy('last_seen_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** Everyone of a platform's workspace the bot has met or found. */
  ofWorkspace(platform: Platform, workspaceId: string): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('platform', '=', platform).where('workspace_id', '=', workspaceId).orderBy('id').execute();
  }

  /**
   * Moves a person to a new id on the same platform (Teams users were keyed by `from.id`, now by
   * their AAD object id), keeping their link, conversation and prompts; nothing happens when the
   * new id is already taken or the former one unknown.
   */
  async rename(former: ChatIdentity, chatUserId: string): Promise<void> {
    await this.db
      .updateTable('people')
      .set({ chat_user_id: chatUserId })
      .where('platform', '=', former.platform)
      .where('workspace_id', '=', former.workspaceId)
      .where('chat_user_id', '=', former.chatUserId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('people as taken')
              .select('taken.id')
              .where('taken.platform', '=', former.platform)
              .where('taken.workspace_id', '=', former.workspaceId)
              .where('taken.chat_user_id', '=', chatUserId),
          ),
        ),
      )
      .execute();
  }

  /** People the store makes managers (MANAGER_EMAILS apply on top). */
  managers(): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('role', '=', 'manager').orderBy('id').execute();
  }

  linked(): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('individu_id', 'is not', null).orderBy('id').execute();
  }

  byEmail(email: string): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('email', '=', email.trim().toLowerCase()).execute();
  }

  async link(personId: number, individuId: number | null, source: LinkSource | null): Promise<void> {
    await this.db.updateTable('people').set({ individu_id: individuId, link_source: source }).where('id', '=', personId).execute();
  }

  async setRole(personId: number, role: Role | null): Promise<void> {
    await this.db.updateTable('people').set({ role }).where('id', '=', personId).execute();
  }

  async setPreferredLocale(personId: number, locale: string | null): Promise<void> {
    await this.db.updateTable('people').set({ preferred_locale: locale }).where('id', '=', personId).execute();
  }
}

/** A person as the store knows them, and whether their Ocean driver was forgotten (and has not written since). */
export interface Met {
  person: Person;
  forgotten: boolean;
}

function forgottenFlag(individuId: Expression<number | null>) {
  return sql<boolean>`exists (select 1 from forgotten f where f.individu_id = ${individuId})`.as('forgotten');
}

function split(row: Person & { forgotten: boolean }): Met {
  const { forgotten, ...person } = row;
  return { person, forgotten: Boolean(forgotten) };
}
