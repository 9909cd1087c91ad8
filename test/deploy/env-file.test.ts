import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { loadEnvFile } from '../../src/env-file';
import { runToExit, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';

/*
 * .env.example says "Copy to .env": the service and `npm run daily` read that file (the working
 * directory's, or ENV_FILE's), the environment winning over it; and a start that cannot open its
 * port because of HOST or PORT says so in one line naming the variable, like every other mistake.
 */

describe('the .env file', () => {
  it("reads the working directory's .env, the environment winning over it", () => {
    const dir = tempDir('env-file');
    fs.writeFileSync(path.join(dir, '.env'), '# a comment\nTIMEZONE=Europe/Brussels\nLOG_LEVEL="warn"\nRETENTION_DAYS=400 # kept a year and more\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'debug' };
    expect(loadEnvFile(env, dir)).toBe(path.join(dir, '.env'));
    expect(env).toEqual({ LOG_LEVEL: 'debug', TIMEZONE: 'Europe/Brussels', RETENTION_DAYS: '400' });
  });

  it('reads nothing without a .env, or with ENV_FILE empty', () => {
    const dir = tempDir('env-file');
    const env: NodeJS.ProcessEnv = {};
    expect(loadEnvFile(env, dir)).toBeUndefined();
    expect(env).toEqual({});
    fs.writeFileSync(path.join(dir, '.env'), 'TIMEZONE=Europe/Brussels\n');
    const off: NodeJS.ProcessEnv = { ENV_FILE: '' };
    expect(loadEnvFile(off, dir)).toBeUndefined();
    expect(off).toEqual({ ENV_FILE: '' });
  });

  it('reads the file ENV_FILE names, and refuses one that cannot be read, naming ENV_FILE', () => {
    const dir = tempDir('env-file');
    fs.writeFileSync(path.join(dir, 'bot.env'), 'TIMEZONE=Europe/Brussels\n');
    const env: NodeJS.ProcessEnv = { ENV_FILE: 'bot.env' };
    loadEnvFile(env, dir);
    expect(env.TIMEZONE).toBe('Europe/Brussels');
    let error: unknown;
    try {
      loadEnvFile({ ENV_FILE: 'missing.env' }, dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`ENV_FILE cannot be read: ${path.join(dir, 'missing.env')} (ENOENT)`);
  });

  it('the real start and `npm run daily` read it: a wrong value in it is named in one line', async () => {
    const dir = tempDir('env-file');
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, 'TIMEZONE=Mars/Olympus\n');
    for (const program of ['main', 'cli'] as const) {
      const exited = await runToExit({ ENV_FILE: file }, program === 'cli' ? ['daily'] : [], program);
      expect(exited.code).toBe(1);
      expect(exited.stderr.trim()).toMatch(/^Configuration error: TIMEZONE .*Mars\/Olympus/);
    }
    const missing = await runToExit({ ENV_FILE: path.join(dir, 'nowhere.env') });
    expect(result(missing)).toEqual({ code: 1, stderr: `Configuration error: ENV_FILE cannot be read: ${path.join(dir, 'nowhere.env')} (ENOENT)` });
  });
});

describe('a port that cannot be opened', () => {
  it('a HOST that is no address of this machine is named in one line', async () => {
    const dataDir = tempDir('env-host');
    await copyTemplateInto(dataDir);
    const exited = await runToExit({ DATA_DIR: dataDir, HOST: 'not.a.host' });
    expect(result(exited)).toEqual({
      code: 1,
      stderr: 'Configuration error: HOST must be an address of this machine or a name that resolves to one (got "not.a.host": ENOTFOUND)',
    });
  });

  it('a PORT another process holds is named in one line', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const dataDir = tempDir('env-port');
      await copyTemplateInto(dataDir);
      const exited = await runToExit({ DATA_DIR: dataDir, PORT: String(port) });
      expect(result(exited)).toEqual({ code: 1, stderr: `Configuration error: PORT ${port} is already taken by another process` });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

function result(exited: { code: number | null; stderr: string }): { code: number | null; stderr: string } {
  return { code: exited.code, stderr: exited.stderr.trim() };
}
