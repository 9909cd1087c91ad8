import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from './schema';

/** Report files offered by link, for a limited time. */
export class FileTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async share(token: string, file: { name: string; mime: string; data: Buffer }, ttlMs: number): Promise<void> {
    await this.db.deleteFrom('shared_files').where('expires_at', '<', this.clock.now()).execute();
    await this.db
      .insertInto('shared_files')
      .values({ token, name: file.name, mime: file.mime, data: file.data, expires_at: new Date(this.clock.now().getTime() + ttlMs) })
      .execute();
  }

  async get(token: string): Promise<{ name: string; mime: string; data: Buffer } | undefined> {
    const row = await this.db
      .selectFrom('shared_files')
      .select(['name', 'mime', 'data'])
      .where('token', '=', token)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row ? { name: row.name, mime: row.mime, data: Buffer.from(row.data) } : undefined;
  }
}
