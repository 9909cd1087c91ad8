import fs from 'node:fs';
import path from 'node:path';
import { ephemeralDisk } from '../../src/store/ephemeral';
import { freshSchema } from '../support/pg-schema';
import { runToExit, startService, tempDir } from '../support/service-child';
import { describeServerOnly } from '../support/stores';
import { copyTemplateInto } from '../support/test-store';
import { eventually } from '../support/wait';

/*
 * Issue 18: on a platform that throws the disk away at restart, the embedded store would lose
 * the prompts sent and the answers not yet delivered. Such a start is refused unless someone
 * opts in, and then warned about at every start.
 */

const ROOT_ONLY = '22 1 0:21 / / rw,relatime - ext4 /dev/root rw\n';
const WITH_VOLUME = `${ROOT_ONLY}95 22 8:17 / /data rw,relatime - ext4 /dev/vdb rw\n`;
const WITH_TMPFS = `${ROOT_ONLY}96 22 0:50 / /data rw - tmpfs tmpfs rw\n`;

describe('an embedded store on a disk the platform throws away', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir('ephemeral');
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('a start with DYNO set and no DATABASE_URL exits non-zero with one line saying to set it, and creates nothing', async () => {
    const result = await runToExit({ DYNO: 'web.1', DATA_DIR: path.join(dataDir, 'data') });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: DATABASE_URL must be set on Heroku \(DYNO is set\): .*ALLOW_EPHEMERAL_STORE=true/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(path.join(dataDir, 'data'))).toBe(false);
  });

  it('with ALLOW_EPHEMERAL_STORE=true it starts, and logs the warning at every start', async () => {
    await copyTemplateInto(dataDir);
    for (let start = 0; start < 2; start += 1) {
      const service = await startService({ DYNO: 'web.1', ALLOW_EPHEMERAL_STORE: 'true', DATA_DIR: dataDir });

      const health = await fetch(`${service.url}/healthz`);
      expect(health.status).toBe(200);
      const warnings = () =>
        service
          .output()
          .split('\n')
          .filter((l) => l.includes('"level":"warn"') && l.includes('DATABASE_URL must be set on Heroku (DYNO is set)'));
      // Logged just after "service started", which the start above waited for: read once it is there.
      await eventually(() => warnings().length > 0);
      expect(warnings()).toHaveLength(1);
      expect((await service.stop()).code).toBe(0);
    }
  });

  it('Heroku is recognised by DYNO, and a machine with no platform marker is no platform', () => {
    expect(ephemeralDisk({ DYNO: 'web.1' }, '/app/data', WITH_VOLUME)).toBe('Heroku (DYNO is set)');
    expect(ephemeralDisk({}, '/app/data', ROOT_ONLY)).toBeUndefined();
  });

  it.each([
    [{ CONTAINER: 'web-1', CONTAINER_VERSION: 'abc123' }, '/app/data', WITH_VOLUME, /^Scalingo/],
    [{ RENDER: 'true' }, '/opt/render/project/src/data', ROOT_ONLY, /^Render \(RENDER is set\), and DATA_DIR is not on a mounted volume/],
    [{ FLY_APP_NAME: 'bot' }, '/app/data', ROOT_ONLY, /^Fly\.io/],
    [{ K_SERVICE: 'bot' }, '/data/store', WITH_TMPFS, /^Cloud Run/],
    [{ RAILWAY_ENVIRONMENT: 'production' }, '/app/data', ROOT_ONLY, /^Railway/],
  ])('%j with DATA_DIR %s is refused', (env, dir, mounts, expected) => {
    expect(ephemeralDisk(env, dir, mounts)).toMatch(expected);
  });

  it.each([
    [{ RENDER: 'true' }, '/data', WITH_VOLUME],
    [{ FLY_APP_NAME: 'bot' }, '/data/privacy', WITH_VOLUME],
    [{ K_SERVICE: 'bot' }, '/data', WITH_VOLUME],
    [{ RAILWAY_ENVIRONMENT: 'production', RAILWAY_VOLUME_MOUNT_PATH: '/app/data' }, '/app/data', ROOT_ONLY],
  ])('%j with DATA_DIR %s on a volume is accepted', (env, dir, mounts) => {
    expect(ephemeralDisk(env, dir, mounts)).toBeUndefined();
  });
});

describeServerOnly()('with DATABASE_URL on Heroku', () => {
  it('a start with DYNO set goes ahead, without the warning', async () => {
    const schema = await freshSchema();
    const service = await startService({ DYNO: 'web.1', DATABASE_URL: schema.url });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.output()).not.toContain('DATABASE_URL must be set');
    expect((await service.stop()).code).toBe(0);
  });
});
