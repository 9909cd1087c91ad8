import { Store } from '../../src/store';
import { freshSchema } from '../support/pg-schema';
import { postgresUnavailableReason } from '../support/stores';
import { describeAnswerSurvivesKill } from './answer-survives-kill';

// Promise 1 on a PostgreSQL server, in a schema of its own.
const serverReason = postgresUnavailableReason();
if (serverReason) {
  console.warn(`PostgreSQL-server case of the SIGKILL test skipped: ${serverReason}`);
  it.skip('an answer acknowledged, then SIGKILL, on PostgreSQL (no server)', () => undefined);
} else {
  describeAnswerSurvivesKill('PostgreSQL', async () => {
    const schema = await freshSchema();
    return {
      name: 'PostgreSQL',
      env: { DATABASE_URL: schema.url },
      open: () => Store.open({ databaseUrl: schema.url, poolSize: 2 }),
    };
  });
}
