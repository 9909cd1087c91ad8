import { ConfigError, loadConfig, withoutSecrets } from '../../src/config';
import { runToExit } from '../support/service-child';

/*
 * Issue 16: a malformed DATABASE_URL was echoed whole in the configuration error, password
 * included. No variable's secret part is ever repeated, whatever the mistake and however long.
 */

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const PASSWORD = 'Hunter2-s3cr3t';

describe('configuration errors never repeat a secret', () => {
  it.each([
    ['a wrong scheme', `postgress://bot:${PASSWORD}@db.example.com:5432/privacy`],
    ['a missing colon', `postgres//bot:${PASSWORD}@db.example.com/privacy`],
    ['an unencoded @ and / in the password', `postgres://bot:${PASSWORD}@/x@db.example.com/privacy`.replace('postgres:', 'postgre:')],
    ['a password in the query string', `postgresql:/db.example.com/privacy?user=bot&password=${PASSWORD}`],
    ['a long user name that pushes the password past the cut', `mysql://${'u'.repeat(50)}:${PASSWORD}@db.example.com/privacy`],
    ['a missing @ (password read as a port)', `postgresX://bot:${PASSWORD}/privacy`],
  ])('a malformed DATABASE_URL (%s) is refused without its password', (_case, url) => {
    const error = failure({ DATABASE_URL: url });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).toMatch(/^DATABASE_URL must be a postgres:\/\/ URL/);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(PASSWORD.slice(0, 6));
    expect(error.message).not.toContain('\n');
  });

  it('a DATABASE_URL that is not a URL at all is refused without its password', () => {
    const error = failure({ DATABASE_URL: `postgres://bot:${PASSWORD}@db.example.com:port/privacy` });
    expect(error.message).toMatch(/^DATABASE_URL must be a postgres:\/\/ URL such as/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('the real start prints the one line without the password', async () => {
    const result = await runToExit({ DATABASE_URL: `postgress://bot:${PASSWORD}@db.example.com/privacy` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Configuration error: DATABASE_URL must be a postgres:// URL (got "postgress://***@db.example.com/privacy")');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('what is kept of a value is still enough to see the mistake', () => {
    expect(withoutSecrets('postgress://bot:pw@db.example.com:5432/privacy')).toBe('postgress://***@db.example.com:5432/privacy');
    expect(withoutSecrets('postgres://db.example.com:5432/privacy')).toBe('postgres://db.example.com:5432/privacy');
    expect(withoutSecrets('Mars/Olympus')).toBe('Mars/Olympus');
  });
});

describe('the store variables', () => {
  it.each([
    [{ ALLOW_EPHEMERAL_STORE: 'maybe' }, 'ALLOW_EPHEMERAL_STORE', /true or false/],
    [{ PGSSLMODE: 'on' }, 'PGSSLMODE', /disable, allow, prefer, require, verify-ca, verify-full, no-verify/],
    [{ DATABASE_URL: 'postgres://db.example.com/privacy?sslmode=strict' }, 'DATABASE_URL', /unknown sslmode: use one of disable, allow/],
    [{ DATABASE_URL: 'postgres://db.example.com/privacy?sslmode=verify-ca' }, 'DATABASE_URL', /verify-ca without sslrootcert/],
  ])('%j stops the start with one line naming %s', (env, variable, expectation) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(expectation);
  });

  it('ALLOW_EPHEMERAL_STORE is off unless said', () => {
    expect(loadConfig({}).allowEphemeralStore).toBe(false);
    expect(loadConfig({ ALLOW_EPHEMERAL_STORE: 'true' }).allowEphemeralStore).toBe(true);
  });
});
