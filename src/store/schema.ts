import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Choice, Person as DomainPerson, LinkSource, Platform } from '../domain';

/** Kysely's view of the tables created by the migrations in ./migrations.ts. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type { LinkSource };
export type PromptStatus = 'claimed' | 'sent' | 'failed' | 'skipped';
export type DeliveryStatus = 'pending' | 'delivered' | 'refused' | 'superseded';

/** The people table: the domain's Person (src/domain.ts), with the columns the database fills or converts. */
export interface PeopleTable extends Omit<DomainPerson, 'id' | 'suggestions' | 'welcomed_at' | 'last_seen_at' | 'profile_at' | 'created_at'> {
  id: Generated<number>;
  /** Set on all of a driver's accounts. */
  suggestions: Generated<boolean>;
  /** When the bot welcomed them (once, whatever install activities arrive); null: not yet. */
  welcomed_at: Timestamp | null;
  last_seen_at: Timestamp;
  /** When the platform last said who they are (e-mail, language, name); null when it never did. */
  profile_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Generated<Date>;
}

export interface ConversationRefsTable {
  person_id: number;
  /** A platform-neutral JSON reference (for Teams: a ConversationReference). */
  reference: Json<unknown>;
  active: boolean;
  updated_at: Timestamp;
}

export interface DailyPromptsTable {
  id: Generated<number>;
  individu_id: number;
  day: string;
  person_id: number | null;
  status: PromptStatus;
  /** The trips asked, as shown to the driver (no addresses: towns only). */
  trips: Json<unknown>;
  message_ref: Json<unknown> | null;
  claimed_by: string | null;
  claimed_at: Timestamp;
  send_started_at: Timestamp | null;
  sent_at: Timestamp | null;
  reminded_at: Timestamp | null;
  last_error: string | null;
}

export interface TripAnswersTable {
  id: Generated<number>;
  prompt_id: number;
  trip_id: number;
  choice: Choice;
  answered_by: number;
  answered_at: Timestamp;
  status: DeliveryStatus;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  locked_by: string | null;
  delivered_at: Timestamp | null;
}

export interface CronClaimsTable {
  key: string;
  claimed_by: string;
  claimed_at: Timestamp;
  expires_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string | null;
  details: Json<unknown> | null;
}

/** Requests whose effect is written: the same request again (a replay) acts no more. */
export interface HandledRequestsTable {
  key: string;
  handled_at: Timestamp;
}

/** A message that shows a prompt; `ref` is the platform's MessageRef, `ref_key` its identity. */
export interface PromptMessagesTable {
  id: Generated<number>;
  prompt_id: number;
  person_id: number | null;
  ref_key: string;
  ref: Json<unknown>;
  expires_at: Timestamp | null;
  created_at: Generated<Date>;
}

/** The channel a manager chose for the weekly digest, one per workspace (a Teams tenant). */
export interface ReportChannelsTable {
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  /** How to post there proactively (for Teams: a ConversationReference to the channel). */
  reference: Json<unknown>;
  /** The language of the manager who chose it: the digest is written in it. */
  locale: string;
  /** Who chose it, as the audit trail names people. */
  set_by: string;
  set_at: Timestamp;
}

export interface SharedFilesTable {
  token: string;
  name: string;
  mime: string;
  data: Buffer;
  expires_at: Timestamp;
}

/** A driver a manager had the bot forget: a tombstone, so they are not prompted again unasked. */
export interface ForgottenTable {
  individu_id: number;
  forgotten_at: Timestamp;
}

/** A trip a driver answered, for suggestions from their own answers: towns and local start, never addresses. */
export interface AnsweredTripsTable {
  individu_id: number;
  trip_id: number;
  from_town: string;
  to_town: string;
  start_at: Timestamp;
  /** Saturday or Sunday in the fleet's time zone. */
  weekend: boolean;
  /** The minute of the day the trip started, in the fleet's time zone (0 to 1439). */
  start_minute: number;
  choice: Choice;
  answered_at: Timestamp;
}

/** Why a driver cannot be reached, as last found; removed once they are reached. */
export interface ReachProblemsTable {
  individu_id: number;
  reason: string;
  /** What the far end said (a Graph error code), for the logs and operators; never shown to managers. */
  detail: string | null;
  noted_at: Timestamp;
}

/** The Teams app installed for a driver through Microsoft Graph (TEAMS_INSTALL_FOR_DRIVERS). */
export interface TeamsInstallsTable {
  individu_id: number;
  tenant_id: string;
  /** The driver's Entra object id in that tenant. */
  user_id: string;
  /** Graph's id of the installation in their personal scope, once known. */
  installation_id: string | null;
  installed_at: Timestamp;
}

export interface Database {
  answered_trips: AnsweredTripsTable;
  reach_problems: ReachProblemsTable;
  teams_installs: TeamsInstallsTable;
  people: PeopleTable;
  conversation_refs: ConversationRefsTable;
  daily_prompts: DailyPromptsTable;
  trip_answers: TripAnswersTable;
  cron_claims: CronClaimsTable;
  audit_log: AuditLogTable;
  handled_requests: HandledRequestsTable;
  prompt_messages: PromptMessagesTable;
  forgotten: ForgottenTable;
  shared_files: SharedFilesTable;
  report_channels: ReportChannelsTable;
}

/** The domain's Person is the people table's row: the check below fails to compile if the two part. */
export type Person = DomainPerson;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
export type PersonRowIsDomainPerson = Holds<Same<Selectable<PeopleTable>, DomainPerson>>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type DailyPromptRow = Selectable<DailyPromptsTable>;
export type TripAnswerRow = Selectable<TripAnswersTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type PromptMessageRow = Selectable<PromptMessagesTable>;
export type AnsweredTripRow = Selectable<AnsweredTripsTable>;
export type ReportChannelRow = Selectable<ReportChannelsTable>;
export type TeamsInstallRow = Selectable<TeamsInstallsTable>;
