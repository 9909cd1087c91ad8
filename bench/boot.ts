import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchSchema, freePort, sleep, startServiceProcess } from './service-process';
import { line, runBench, startSimProcess } from './support';

/**
 * Boot time: process start to the first `/readyz` 200 on an existing store (a platform restarts
 * a service on the store it left), on PGlite and on PostgreSQL, for the command the Procfile
 * runs and for `npm start` (which first checks that the build is current). Heroku kills a web
 * process that does not listen within 60 s; target under 10 s.
 */
const RUNS = 3;

async function main(): Promise<void> {
  const sim = await startSimProcess({ size: 30, recordLimit: 0 });
  const env: NodeJS.ProcessEnv = {
    OCEAN_BASE_URL: sim.baseUrl,
    OCEAN_LOGIN: sim.login,
    OCEAN_PASSWORD: sim.password,
    TEAMS_EMULATOR: 'false',
    DAILY_PROMPT_CRON: '0 0 1 1 *',
  };
  try {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-boot-'));
    try {
      await measure('PGlite', { ...env, DATA_DIR: dataDir });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const schema = await benchSchema('bench_boot');
    if (!schema) line('PostgreSQL', 'skipped: no server answers (BENCH_DATABASE_URL)');
    else {
      try {
        await measure('PostgreSQL', { ...env, DATABASE_URL: schema.url });
      } finally {
        await schema.drop();
      }
    }
  } finally {
    sim.stop();
  }
}

async function measure(store: string, env: NodeJS.ProcessEnv): Promise<void> {
  // The first start makes the store; it is not what is measured.
  const first = await startServiceProcess(env);
  line(`${store} first start (empty store), for reference`, `${(first.readyMs / 1000).toFixed(1)} s`);
  await first.stop();
  const procfile: number[] = [];
  const npmStart: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const service = await startServiceProcess(env);
    procfile.push(service.readyMs);
    await service.stop();
    npmStart.push(await npmStartToReady(env));
  }
  report(`${store}: node dist/src/main.js (Procfile, Dockerfile)`, procfile);
  report(`${store}: npm start (build already current)`, npmStart);
}

function report(label: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  line(label, `median ${(median / 1000).toFixed(1)} s (${sorted.map((t) => (t / 1000).toFixed(1)).join(', ')})`, '< 10 s', median < 10_000);
}

/** `npm start` from the repository, to the first `/readyz` 200. */
async function npmStartToReady(env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (
        await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        )
      )
        return performance.now() - started;
      await sleep(20);
    }
  } finally {
    // npm and the service it started: the whole process group.
    process.kill(-(child.pid as number), 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(500);
  }
}

runBench(main);
