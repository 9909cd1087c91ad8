import { type Kysely, type Migration, sql } from 'kysely';

/*
 * One set of migrations for PGlite and PostgreSQL, run at start by Kysely's migrator. Never edit
 * a migration that has shipped: add a new one.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28-001-initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('people')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('chat_user_id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('email', 'text')
        .addColumn('individu_id', 'bigint')
        .addColumn('link_source', 'text')
        .addColumn('locale', 'text')
        .addColumn('preferred_locale', 'text')
        .addColumn('role', 'text')
        .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('people_identity', ['platform', 'workspace_id', 'chat_user_id'])
        .execute();
      await db.schema.createIndex('people_email').on('people').column('email').execute();
      await db.schema.createIndex('people_individu').on('people').column('individu_id').execute();

      await db.schema
        .createTable('conversation_refs')
        .addColumn('person_id', 'integer', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
        .addColumn('reference', 'jsonb', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('daily_prompts')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('individu_id', 'bigint', (c) => c.notNull())
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trips', 'jsonb', (c) => c.notNull())
        .addColumn('message_ref', 'jsonb')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // Set just before the message goes out: a resumed claim with it set may already be in the chat.
        .addColumn('send_started_at', 'timestamptz')
        .addColumn('sent_at', 'timestamptz')
        .addColumn('reminded_at', 'timestamptz')
        .addColumn('last_error', 'text')
        // The promise "one prompt per driver per day" is this constraint.
        .addUniqueConstraint('daily_prompts_driver_day', ['individu_id', 'day'])
        .execute();
      await db.schema.createIndex('daily_prompts_day_status').on('daily_prompts').columns(['day', 'status']).execute();

      await db.schema
        .createTable('trip_answers')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('prompt_id', 'integer', (c) => c.notNull().references('daily_prompts.id').onDelete('cascade'))
        .addColumn('trip_id', 'bigint', (c) => c.notNull())
        .addColumn('choice', 'text', (c) => c.notNull())
        .addColumn('answered_by', 'integer', (c) => c.notNull().references('people.id'))
        .addColumn('answered_at', 'timestamptz', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
        // Set while a worker delivers the answer, so that no other delivery for the trip overtakes it.
        .addColumn('locked_until', 'timestamptz')
        .addColumn('locked_by', 'text')
        .addColumn('delivered_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('trip_answers_due').on('trip_answers').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('trip_answers_trip').on('trip_answers').columns(['trip_id', 'id']).execute();

      await db.schema
        .createTable('cron_claims')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('claimed_by', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz')
        .execute();

      // Request signatures already seen: a replayed Slack request is refused (promise 4).
      await db.schema
        .createTable('seen_signatures')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
        .execute();

      // Report files offered as links (Teams), for an hour.
      await db.schema
        .createTable('shared_files')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('data', 'bytea', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('details', 'jsonb')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['shared_files', 'seen_signatures', 'audit_log', 'cron_claims', 'trip_answers', 'daily_prompts', 'conversation_refs', 'people']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
  '2026-12-01-002-requests-and-prompt-messages': {
    async up(db: Kysely<any>) {
      // Replays are recognised by the request each effect was written with (same transaction),
      // not by a separate table of signatures seen at the door.
      await db.schema.dropTable('seen_signatures').ifExists().execute();
      await db.schema
        .createTable('handled_requests')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('handled_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('handled_requests_at').on('handled_requests').column('handled_at').execute();
      // Every message that shows a prompt (the daily DM, a reminder, a copy from /privacy, a
      // clicked ephemeral copy): all are redrawn when an answer changes, so they agree.
      await db.schema
        .createTable('prompt_messages')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('prompt_id', 'integer', (c) => c.notNull().references('daily_prompts.id').onDelete('cascade'))
        .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
        .addColumn('ref_key', 'text', (c) => c.notNull())
        .addColumn('ref', 'jsonb', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('prompt_messages_ref', ['prompt_id', 'ref_key'])
        .execute();
      await sql`insert into prompt_messages (prompt_id, person_id, ref_key, ref) select id, person_id, 'sent:' || id, message_ref from daily_prompts where message_ref is not null`.execute(
        db,
      );
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('prompt_messages').ifExists().execute();
      await db.schema.dropTable('handled_requests').ifExists().execute();
      await db.schema
        .createTable('seen_signatures')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '2026-12-01-003-forgotten': {
    async up(db: Kysely<any>) {
      // Someone a manager had the bot forget: no prompt for this driver until they write to the bot again.
      await db.schema
        .createTable('forgotten')
        .addColumn('individu_id', 'bigint', (c) => c.primaryKey())
        .addColumn('forgotten_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('daily_prompts_individu').on('daily_prompts').column('individu_id').execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('audit_log_at').ifExists().execute();
      await db.schema.dropIndex('daily_prompts_individu').ifExists().execute();
      await db.schema.dropTable('forgotten').ifExists().execute();
    },
  },
  '2026-12-01-003-report-channels': {
    async up(db: Kysely<any>) {
      // The channel of a workspace (a Teams tenant) where a manager asked for the weekly digest
      // (`@bot privacy-report here`): one per workspace, its conversation reference kept to post
      // there proactively.
      await db.schema
        .createTable('report_channels')
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'jsonb', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_channels_pk', ['platform', 'workspace_id'])
        .execute();
      // Non-responders of a period are read by day across every driver.
      await db.schema.createIndex('trip_answers_prompt').on('trip_answers').columns(['prompt_id', 'trip_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('trip_answers_prompt').ifExists().execute();
      await db.schema.dropTable('report_channels').ifExists().execute();
    },
  },
  '2026-12-01-004-suggestions': {
    async up(db: Kysely<any>) {
      // Suggestions from a driver's own answers (issue 22): on unless the driver turned them off,
      // on every chat account linked to the same driver.
      await db.schema
        .alterTable('people')
        .addColumn('suggestions', 'boolean', (c) => c.notNull().defaultTo(true))
        .execute();
      // The trips a driver answered, by their Ocean identity (shared by their Slack and Teams
      // accounts): towns and local start only, one row per trip (a change of mind updates it).
      // Written with the answer, in its transaction; no backfill of older answers.
      await db.schema
        .createTable('answered_trips')
        .addColumn('individu_id', 'bigint', (c) => c.notNull())
        .addColumn('trip_id', 'bigint', (c) => c.notNull())
        .addColumn('from_town', 'text', (c) => c.notNull())
        .addColumn('to_town', 'text', (c) => c.notNull())
        .addColumn('start_at', 'timestamptz', (c) => c.notNull())
        // In the fleet's time zone: Saturday or Sunday, and the minute of the day the trip started.
        .addColumn('weekend', 'boolean', (c) => c.notNull())
        .addColumn('start_minute', 'integer', (c) => c.notNull())
        .addColumn('choice', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('answered_trips_pk', ['individu_id', 'trip_id'])
        .execute();
      // "This driver's latest answers for this (from, to, kind of day)".
      await db.schema
        .createIndex('answered_trips_route')
        .on('answered_trips')
        .columns(['individu_id', 'from_town', 'to_town', 'weekend', 'start_at'])
        .execute();
      await db.schema.createIndex('answered_trips_start').on('answered_trips').column('start_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('answered_trips').ifExists().execute();
      await db.schema.alterTable('people').dropColumn('suggestions').execute();
    },
  },
  '2026-12-03-005-teams-reach': {
    async up(db: Kysely<any>) {
      // When a person was welcomed: one welcome per person, whatever install activities arrive
      // (Teams sends installationUpdate and conversationUpdate for one install, sometimes twice).
      // People the bot already reached were welcomed when it first met them.
      await db.schema.alterTable('people').addColumn('welcomed_at', 'timestamptz').execute();
      await sql`update people set welcomed_at = now() where id in (select person_id from conversation_refs)`.execute(db);
      // Why a driver cannot be reached (no e-mail, not in the tenant, install refused, blocked the
      // bot), for the managers' unanswered list; cleared once the driver is reached.
      await db.schema
        .createTable('reach_problems')
        .addColumn('individu_id', 'bigint', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('noted_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // The Teams app installed for a driver through Microsoft Graph: a restart resumes from here
      // and never installs twice.
      await db.schema
        .createTable('teams_installs')
        .addColumn('individu_id', 'bigint', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('installation_id', 'text')
        .addColumn('installed_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('teams_installs').ifExists().execute();
      await db.schema.dropTable('reach_problems').ifExists().execute();
      await db.schema.alterTable('people').dropColumn('welcomed_at').execute();
    },
  },
  '2026-12-05-006-people-profile-at': {
    async up(db: Kysely<any>) {
      // When the platform last said who a person is (users.info, lookupByEmail, getMember): asked
      // again only once it is old, not at every start of a cache (issue 30). Null: never asked.
      await db.schema.alterTable('people').addColumn('profile_at', 'timestamptz').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('people').dropColumn('profile_at').execute();
    },
  },
};
