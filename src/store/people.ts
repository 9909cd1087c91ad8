import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Platform, Role } from '../domain';
import type { Database, LinkSource, Person } from './schema';
import type { ChatIdentity, SeenPerson } from './store';

/** Chat users the bot has met or found, and their link to an Ocean driver. */
export class PeopleTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that a chat user was seen; keeps what the platform told us fresh. A person only
   * discovered (looked up by e-mail, never heard from) is stored as never seen, so that the
   * platform a driver really used stays first.
   */
  async see(seen: SeenPerson, options: { discovered?: boolean } = {}): Promise<Person> {
    const now = options.discovered ? new Date(0) : this.clock.now();
    const email = seen.email?.trim().toLowerCase() || null;
    return this.db
      .insertInto('people')
      .values({
        platform: seen.platform,
        workspace_id: seen.workspaceId,
        chat_user_id: seen.chatUserId,
        display_name: seen.displayName ?? null,
        email,
        locale: seen.locale ?? null,
        last_seen_at: now,
      })
      .onConflict((oc) =>
        oc.constraint('people_identity').doUpdateSet((eb) => ({
          last_seen_at: options.discovered ? eb.ref('people.last_seen_at') : now,
          display_name: eb.fn.coalesce(eb.val(seen.displayName ?? null), eb.ref('people.display_name')),
          email: eb.fn.coalesce(eb.val(email), eb.ref('people.email')),
          locale: eb.fn.coalesce(eb.val(seen.locale ?? null), eb.ref('people.locale')),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
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
