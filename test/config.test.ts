import { ConfigError, loadConfig } from '../src/config';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('with nothing set, the service runs in sandbox mode with the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3978,
      sandbox: true,
      dataDir: './data',
      timezone: 'Europe/Paris',
      dailyPromptCron: '30 8 * * *',
      reminderCron: '0 16 * * *',
      weeklyReportCron: '0 9 * * 1',
      answerDeadlineDays: 7,
      defaultLocale: 'fr',
      logLevel: 'info',
      managerEmails: [],
      slack: null,
    });
    expect(config.teams?.emulator).toBe(true);
    expect(config.slackReportChannel).toBeUndefined();
  });

  it('reads the weekly digest, its Slack channel and the answer deadline', () => {
    const config = loadConfig({ WEEKLY_REPORT_CRON: '30 7 * * 1', SLACK_REPORT_CHANNEL: 'C0123ABCDEF', ANSWER_DEADLINE_DAYS: '14' });
    expect(config).toMatchObject({ weeklyReportCron: '30 7 * * 1', slackReportChannel: 'C0123ABCDEF', answerDeadlineDays: 14 });
    expect(loadConfig({ WEEKLY_REPORT_CRON: 'OFF' }).weeklyReportCron).toBeNull();
  });

  it("reads the operator's keys of Ocean's analysis, and refuses a key on both sides", () => {
    expect(loadConfig({}).ocean).toMatchObject({ privateKeys: undefined, professionalKeys: undefined });
    const config = loadConfig({ OCEAN_PRIVATE_KEYS: ' vie_privee , PRIVE,', OCEAN_PROFESSIONAL_KEYS: 'VIE_PROFESSIONNELLE' });
    expect(config.ocean).toMatchObject({ privateKeys: ['VIE_PRIVEE', 'PRIVE'], professionalKeys: ['VIE_PROFESSIONNELLE'] });
    const both = failure({ OCEAN_PRIVATE_KEYS: 'VIE_PRIVEE,PRO', OCEAN_PROFESSIONAL_KEYS: 'pro' });
    expect(both.message).toBe('OCEAN_PROFESSIONAL_KEYS must not repeat a key of OCEAN_PRIVATE_KEYS ("PRO" is in both)');
  });

  it("Ocean credentials turn the sandbox off and default to Ocean's documented base URL", () => {
    const config = loadConfig({ OCEAN_LOGIN: 'api', OCEAN_PASSWORD: 'pw', OCEAN_CUSTOMER_ID: '21', MANAGER_EMAILS: 'A@x.fr, b@y.fr', REMINDER_CRON: 'off' });
    expect(config.sandbox).toBe(false);
    expect(config.ocean).toEqual({ baseUrl: 'https://v3.oceansystem.com/ocean/restapi', login: 'api', password: 'pw', customerId: 21 });
    expect(config.managerEmails).toEqual(['a@x.fr', 'b@y.fr']);
    expect(config.reminderCron).toBeNull();
    expect(config.teams).toBeNull(); // no app id and no emulator outside the sandbox
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', /port number/],
    [{ TIMEZONE: 'Mars/Olympus' }, 'TIMEZONE', /IANA/],
    [{ DAILY_PROMPT_CRON: 'every morning' }, 'DAILY_PROMPT_CRON', /cron/],
    [{ DEFAULT_LOCALE: 'de' }, 'DEFAULT_LOCALE', /fr or en/],
    [{ MANAGER_EMAILS: 'boss' }, 'MANAGER_EMAILS', /"boss"/],
    [{ OCEAN_LOGIN: 'api' }, 'OCEAN_PASSWORD', /required when OCEAN_LOGIN/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET', /required/],
    [{ SLACK_BOT_TOKEN: 'nope' }, 'SLACK_BOT_TOKEN', /xoxb-/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ OCEAN_BASE_URL: 'ftp://x' }, 'OCEAN_BASE_URL', /http/],
    [{ OCEAN_CUSTOMER_ID: '2x' }, 'OCEAN_CUSTOMER_ID', /whole number/],
    [{ MICROSOFT_APP_ID: 'abc' }, 'MICROSOFT_APP_PASSWORD', /required/],
    [{ TEAMS_EMULATOR: 'maybe' }, 'TEAMS_EMULATOR', /true or false/],
    [{ WEEKLY_REPORT_CRON: 'mondays' }, 'WEEKLY_REPORT_CRON', /cron expression such as "0 9 \* \* 1" or "off"/],
    [{ SLACK_REPORT_CHANNEL: '#flotte' }, 'SLACK_REPORT_CHANNEL', /channel id such as C0123456789/],
    [{ ANSWER_DEADLINE_DAYS: '0' }, 'ANSWER_DEADLINE_DAYS', /at least 1 day/],
    [{ ANSWER_DEADLINE_DAYS: 'a week' }, 'ANSWER_DEADLINE_DAYS', /whole number of days/],
  ])('%j stops the start with one line naming %s', (env, variable, expectation) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(expectation);
    expect(error.message.startsWith(variable)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it("Teams: single-tenant by default (Azure creates no new multi-tenant bots), served only to the fleet's tenants", () => {
    expect(failure({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw' }).variable).toBe('MICROSOFT_APP_TENANT_ID');
    const single = loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 'tenant-1' });
    expect(single.teams).toMatchObject({ appType: 'SingleTenant', tenantId: 'tenant-1', tenants: ['tenant-1'] });
    // An older multi-tenant bot must say whose users it serves.
    const multi = failure({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'MultiTenant' });
    expect(multi.variable).toBe('TEAMS_TENANTS');
    expect(
      loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'MultiTenant', TEAMS_TENANTS: 't1, t2' }).teams?.tenants,
    ).toEqual(['t1', 't2']);
    // A user-assigned managed identity has no password.
    expect(loadConfig({ MICROSOFT_APP_ID: 'msi', MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: 'tenant-1' }).teams).toMatchObject({
      appType: 'UserAssignedMSI',
      appPassword: undefined,
    });
    // The emulator serves any tenant unless told which.
    expect(loadConfig({}).teams?.tenants).toEqual([]);
    expect(loadConfig({ TEAMS_TENANTS: 'tenant-1' }).teams?.tenants).toEqual(['tenant-1']);
  });

  it('Teams reach: one welcome by default; installing for drivers needs the app registration, its secret and the catalogue id', () => {
    const teams = { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 'tenant-1' };
    expect(loadConfig(teams).teams).toMatchObject({ installWelcome: 'once', install: null, serviceUrl: 'https://smba.trafficmanager.net/teams/' });
    expect(loadConfig({ ...teams, TEAMS_INSTALL_WELCOME: 'off' }).teams?.installWelcome).toBe('off');
    expect(() => loadConfig({ ...teams, TEAMS_INSTALL_WELCOME: 'twice' })).toThrow(/^TEAMS_INSTALL_WELCOME must be once or off/);
    expect(() => loadConfig({ ...teams, TEAMS_INSTALL_FOR_DRIVERS: 'true' })).toThrow(/^TEAMS_APP_CATALOG_ID is required when TEAMS_INSTALL_FOR_DRIVERS/);
    expect(() => loadConfig({ TEAMS_INSTALL_FOR_DRIVERS: 'true', TEAMS_APP_CATALOG_ID: 'x' })).toThrow(/^MICROSOFT_APP_ID is required/);
    expect(loadConfig({ ...teams, TEAMS_INSTALL_FOR_DRIVERS: 'true', TEAMS_APP_CATALOG_ID: 'cat-1' }).teams?.install).toEqual({
      clientId: 'app',
      clientSecret: 'pw',
      teamsAppId: 'cat-1',
      graphUrl: 'https://graph.microsoft.com/v1.0',
      loginUrl: 'https://login.microsoftonline.com',
    });
    // Plain http only for a fake on loopback.
    expect(() => loadConfig({ ...teams, GRAPH_API_URL: 'http://graph.example.com/v1.0' })).toThrow(/^GRAPH_API_URL must be an https URL/);
    expect(
      loadConfig({ ...teams, MICROSOFT_LOGIN_URL: 'http://127.0.0.1:4300', TEAMS_INSTALL_FOR_DRIVERS: 'true', TEAMS_APP_CATALOG_ID: 'c' }).teams?.install
        ?.loginUrl,
    ).toBe('http://127.0.0.1:4300');
  });

  it('Slack in Socket Mode needs no signing secret; RETENTION_DAYS is at least a month', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack?.signingSecret).toBeUndefined();
    expect(loadConfig({}).retentionDays).toBe(400);
    expect(failure({ RETENTION_DAYS: '7' }).variable).toBe('RETENTION_DAYS');
  });

  it('never repeats a secret in its message', () => {
    const error = failure({ SLACK_BOT_TOKEN: 'secret-value-123', SLACK_SIGNING_SECRET: 's' });
    expect(error.message).not.toContain('secret-value-123');
  });
});
