import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database, TeamsInstallRow } from './schema';

/**
 * How drivers are reached: why one cannot be (one reason per driver, the latest found), the
 * Teams app installed for them through Microsoft Graph, and the one welcome a person gets.
 */
export class ReachTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async noteProblem(individuId: number, reason: string, detail: string | null = null): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('reach_problems')
      .values({ individu_id: individuId, reason, detail, noted_at: now })
      .onConflict((oc) => oc.column('individu_id').doUpdateSet({ reason, detail, noted_at: now }))
      .execute();
  }

  async clearProblem(individuId: number): Promise<void> {
    await this.db.deleteFrom('reach_problems').where('individu_id', '=', individuId).execute();
  }

  /** The reasons recorded for these drivers (all drivers when `individuIds` is omitted). */
  async problems(individuIds?: number[]): Promise<Map<number, { reason: string; detail: string | null; notedAt: Date }>> {
    if (individuIds && !individuIds.length) return new Map();
    let query = this.db.selectFrom('reach_problems').select(['individu_id', 'reason', 'detail', 'noted_at']);
    if (individuIds) query = query.where('individu_id', 'in', individuIds);
    const rows = await query.execute();
    return new Map(rows.map((r) => [Number(r.individu_id), { reason: r.reason, detail: r.detail, notedAt: r.noted_at }]));
  }

  async recordInstall(input: { individuId: number; tenantId: string; userId: string; installationId: string | null }): Promise<void> {
    const values = { tenant_id: input.tenantId, user_id: input.userId, installation_id: input.installationId };
    await this.db
      .insertInto('teams_installs')
      .values({ individu_id: input.individuId, ...values, installed_at: this.clock.now() })
      .onConflict((oc) =>
        oc.column('individu_id').doUpdateSet((eb) => ({
          ...values,
          installation_id: eb.fn.coalesce(eb.val(input.installationId), eb.ref('teams_installs.installation_id')),
        })),
      )
      .execute();
  }

  async installs(individuIds: number[]): Promise<Map<number, TeamsInstallRow>> {
    if (!individuIds.length) return new Map();
    const rows = await this.db.selectFrom('teams_installs').selectAll().where('individu_id', 'in', individuIds).execute();
    return new Map(rows.map((r) => [Number(r.individu_id), { ...r, individu_id: Number(r.individu_id) }]));
  }

  /** Takes the person's one welcome: true the first time only, however many activities race for it. */
  async claimWelcome(personId: number): Promise<boolean> {
    const row = await this.db
      .updateTable('people')
      .set({ welcomed_at: this.clock.now() })
      .where('id', '=', personId)
      .where('welcomed_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
