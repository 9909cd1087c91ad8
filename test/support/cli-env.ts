import type { FakeSlack } from './fake-slack';

/**
 * The environment of `npm run daily` run as a child process against the simulator, a fake
 * Slack and a PostgreSQL schema (SIGKILL tests and the chaos benchmark). Claims of a killed
 * worker expire after a second.
 */
export function dailyCliEnv(ocean: { baseUrl: string; login: string; password: string }, slack: FakeSlack, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ENV_FILE: '',
    PORT: '0',
    OCEAN_BASE_URL: ocean.baseUrl,
    OCEAN_LOGIN: ocean.login,
    OCEAN_PASSWORD: ocean.password,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'cli-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: databaseUrl,
    DAILY_CLAIM_LEASE_SECONDS: '1',
    TEAMS_EMULATOR: 'false',
    LOG_LEVEL: 'warn',
  };
}

/** Every driver of a fleet with an e-mail, as a Slack user U_<index>. */
export function addDriversToSlack(slack: FakeSlack, drivers: { index: number; email: string | null; firstName: string }[]): void {
  for (const d of drivers) if (d.email) slack.addUser({ id: `U_${d.index}`, team: 'T_FLEET', email: d.email, name: d.firstName });
}
