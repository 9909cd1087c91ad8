import { type Kysely, type MigrationProvider, Migrator, sql } from 'kysely';
import { type Clock, systemClock } from '../clock';
import { AnswerTable } from './answers';
import { AuditTable } from './audit';
import { type ConnectOptions, connect } from './connect';
import { ConversationTable } from './conversations';
import { ErasureTable } from './erasure';
import { FileTable } from './files';
import { HistoryTable } from './history';
import { migrations } from './migrations';
import { PeopleTable } from './people';
import { PromptTable } from './prompts';
import { ReachTable } from './reach';
import { ReportChannelTable } from './report-channels';
import { claimRequest } from './requests';
import { RunTable } from './runs';
import type { Database } from './schema';
import { soon, urgently } from './urgent';

export type { ChatIdentity, SeenPerson } from './identity';

export interface StoreOptions extends ConnectOptions {
  clock?: Clock;
}

const staticProvider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Persistence for people, conversation references, daily prompts, the answers outbox, cron run
 * claims and the audit trail. Same SQL on PGlite and PostgreSQL.
 */
export class Store {
  readonly people: PeopleTable;
  readonly conversations: ConversationTable;
  readonly prompts: PromptTable;
  readonly answers: AnswerTable;
  readonly runs: RunTable;
  readonly files: FileTable;
  readonly auditLog: AuditTable;
  readonly erasure: ErasureTable;
  readonly reportChannels: ReportChannelTable;
  /** The trips drivers answered, for suggestions. */
  readonly history: HistoryTable;
  /** Why drivers cannot be reached, the Teams installs made for them, the one welcome. */
  readonly reach: ReachTable;

  private constructor(
    readonly db: Kysely<Database>,
    readonly kind: 'pglite' | 'postgres',
    private readonly clock: Clock,
  ) {
    this.people = new PeopleTable(db, clock);
    this.conversations = new ConversationTable(db, clock);
    this.prompts = new PromptTable(db, clock);
    this.answers = new AnswerTable(db, clock);
    this.runs = new RunTable(db, clock);
    this.files = new FileTable(db, clock);
    this.auditLog = new AuditTable(db, clock);
    this.erasure = new ErasureTable(db, clock);
    this.reportChannels = new ReportChannelTable(db, clock);
    this.history = new HistoryTable(db);
    this.reach = new ReachTable(db, clock);
  }

  static async open(options: StoreOptions = {}): Promise<Store> {
    const { db, kind } = await connect(options);
    const store = new Store(db, kind, options.clock ?? systemClock);
    await store.migrate();
    return store;
  }

  /**
   * Brings the schema to the latest migration. On PostgreSQL Kysely's migrator is told which
   * schema its tables live in (the connection's current one): otherwise it takes a
   * `kysely_migration` table in any other schema of the database (another application's, another
   * test's) for its own, and fails.
   */
  async migrate(): Promise<string[]> {
    const schema = this.kind === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db)).rows[0]?.schema : undefined;
    const { error, results } = await new Migrator({
      db: this.db,
      provider: staticProvider,
      ...(schema ? { migrationTableSchema: schema } : {}),
    }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).map((r) => r.migrationName);
  }

  /**
   * Runs `effect` in one transaction together with the record of `requestKey`: when that request
   * was handled before (a replay), nothing runs and the result is false. Without a key, the
   * effect simply runs in a transaction. `effect` gets a Store bound to the transaction.
   */
  async once(requestKey: string | undefined, effect: (tx: Store) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (requestKey && !(await claimRequest(trx, requestKey, this.now()))) return false;
      await effect(new Store(trx, this.kind, this.clock));
      return true;
    });
  }

  /** Work an acknowledgement waits for: on a PostgreSQL server, it never queues behind other work for a connection. */
  urgently<T>(work: () => Promise<T>): Promise<T> {
    return urgently(work);
  }

  /** Work someone is watching (a click's redraw and delivery): on a PostgreSQL server, it goes before other work waiting for a connection. */
  soon<T>(work: () => Promise<T>): Promise<T> {
    return soon(work);
  }

  /**
   * Records that a request was handled, for requests whose effect is not in the store (a read,
   * a call to Ocean made after it): false when it was handled before (a replay). One statement.
   */
  async claim(requestKey: string | undefined): Promise<boolean> {
    return requestKey === undefined || claimRequest(this.db, requestKey, this.now());
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Empties every table (tests). */
  async truncateAll(): Promise<void> {
    await sql`truncate reach_problems, teams_installs, answered_trips, forgotten, report_channels, shared_files, handled_requests, prompt_messages, audit_log, cron_claims, trip_answers, daily_prompts, conversation_refs, people restart identity cascade`.execute(
      this.db,
    );
  }

  private now(): Date {
    return this.clock.now();
  }

  // --- handled requests (replays) ---

  /** Forgets the requests handled before `before`: a replay older than that is refused by its platform. */
  async forgetRequests(before: Date): Promise<void> {
    await this.db.deleteFrom('handled_requests').where('handled_at', '<', before).execute();
  }
}
