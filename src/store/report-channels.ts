import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Platform } from '../domain';
import type { Database, ReportChannelRow } from './schema';

/** The channels managers chose for the weekly digest: one per workspace, replaced when chosen again. */
export class ReportChannelTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async save(input: { platform: Platform; workspaceId: string; channelId: string; reference: unknown; locale: string; setBy: string }): Promise<void> {
    const now = this.clock.now();
    const values = { channel_id: input.channelId, reference: JSON.stringify(input.reference), locale: input.locale, set_by: input.setBy, set_at: now };
    await this.db
      .insertInto('report_channels')
      .values({ platform: input.platform, workspace_id: input.workspaceId, ...values })
      .onConflict((oc) => oc.columns(['platform', 'workspace_id']).doUpdateSet(values))
      .execute();
  }

  /** Forgets the workspace's channel when it is this one; true when it was. */
  async remove(platform: Platform, workspaceId: string, channelId: string): Promise<boolean> {
    const removed = await this.db
      .deleteFrom('report_channels')
      .where('platform', '=', platform)
      .where('workspace_id', '=', workspaceId)
      .where('channel_id', '=', channelId)
      .returning('channel_id')
      .executeTakeFirst();
    return removed !== undefined;
  }

  all(): Promise<ReportChannelRow[]> {
    return this.db.selectFrom('report_channels').selectAll().orderBy('platform').orderBy('workspace_id').execute();
  }
}
