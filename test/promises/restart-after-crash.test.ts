import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/service';
import { type RunningService, startService, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';

/*
 * Promise 10: a crashed service comes back at once. After `kill -9` the dead process stays a
 * zombie until its parent reaps it; a supervisor that restarts at once (systemd waits 100 ms)
 * must find the store free. The parent is stopped here while the service dies, so that the
 * zombie is certain to be there when the restart comes, as it is under a slow init.
 */

jest.setTimeout(240_000);

let dataDir: string;
const parents: number[] = [];
let service: RunningService | undefined;

beforeAll(async () => {
  dataDir = tempDir('restart-crash');
  // A made store (the template): what is tested is the restarts, not a first start's initdb.
  await copyTemplateInto(dataDir);
});

afterAll(async () => {
  // The stopped parents first: a stopped npm would never see a SIGTERM.
  for (const pid of parents) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await service?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The process state letter in /proc/<pid>/stat (R, S, Z…), or undefined once the process is gone. */
function state(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
}

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('kill -9, then an immediate restart through npm start', () => {
  onLinux('three rounds in a row: each restart opens the store while the killed process is still a zombie', async () => {
    service = await startService({ DATA_DIR: dataDir }, 60_000, 'npm start');
    for (let round = 1; round <= 3; round += 1) {
      const holder = JSON.parse(fs.readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8')) as { pid: number };
      const parent = parentOf(holder.pid);
      parents.push(parent);
      process.kill(parent, 'SIGSTOP');
      process.kill(holder.pid, 'SIGKILL');
      await eventually(() => state(holder.pid) === 'Z');
      service = await startService({ DATA_DIR: dataDir }, 60_000, 'npm start');
      expect(state(holder.pid)).toBe('Z');
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      process.kill(parent, 'SIGKILL');
    }
    // The last one stops cleanly (npm's shell would not pass a SIGTERM on) and gives the lock back.
    const last = JSON.parse(fs.readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8')) as { pid: number };
    process.kill(last.pid, 'SIGTERM');
    await service.stop();
    service = undefined;
    // npm may exit before its child has closed the store: the lock goes when the service has.
    await eventually(() => state(last.pid) === undefined || state(last.pid) === 'Z', 30_000);
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
  });
});
