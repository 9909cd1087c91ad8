import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The newcomer's path: clone the repository, run the README's two set-up commands (npm install,
 * npm start) and get /healthz and / answering; then SIGTERM stops it cleanly. It reuses the npm
 * cache of this machine (--prefer-offline), as a laptop that installed once would.
 */
describe('a fresh clone', () => {
  it('installs, starts in sandbox mode, answers /healthz and /, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-clone-'));
    try {
      execFileSync('git', ['clone', '--quiet', ROOT, dir], { stdio: 'ignore' });
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'ignore', timeout: 240_000 });
      const child = spawn('npm', ['start'], {
        cwd: dir,
        env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATA_DIR: path.join(dir, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await eventually(() => /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1], {
          timeout: 120_000,
          interval: 200,
          what: 'the sandbox URL on the output',
        });
        expect(url).toBeDefined();
        const health = await fetch(`${url}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
        const home = await fetch(`${url}/`);
        expect(home.status).toBe(200);
        expect(await home.text()).toContain('Bot vie privée Ocean');
      } finally {
        // SIGTERM to the service itself, as a platform stopping it would; npm, its parent, then
        // ends with the service's exit code.
        const service = execFileSync('pgrep', ['-g', String(child.pid), '-f', '^node dist/src/main.js'], { encoding: 'utf8' })
          .trim()
          .split('\n')[0];
        process.kill(Number(service), 'SIGTERM');
      }
      const fallback = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(fallback);
      expect(out).toContain('"msg":"shutting down"');
      expect(out).not.toContain('shutdown failed');
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
