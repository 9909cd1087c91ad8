import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The real service as an operator starts it (`node dist/src/main.js`, built by `npm test`), in a
 * child process with an environment of its own: nothing of the test runner's variables leaks in.
 */

export const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const CLI = path.join(ROOT, 'dist/src/cli.js');

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  /** Everything printed so far (pino lines on stdout). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<Exited>;
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // ENV_FILE empty: a developer's .env in the repository never reaches the services under test.
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', ENV_FILE: '', ...env };
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<Exited> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exited>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { out: () => stdout, err: () => stderr, exited };
}

/** Starts the service and waits until it says where it listens; rejects with its output if it exits first. */
export async function startService(env: Record<string, string>, timeoutMs = 60_000, how: 'node' | 'npm start' = 'node'): Promise<RunningService> {
  const child =
    how === 'node'
      ? spawn(process.execPath, [MAIN], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['start', '--silent'], { cwd: ROOT, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const { out, err, exited } = collect(child);
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    url = /"msg":"service started"/.test(out()) ? /"url":"(http:\/\/[^"]+)"/.exec(out())?.[1] : undefined;
    if (url) break;
    if (child.exitCode !== null || child.signalCode !== null) {
      const result = await exited;
      throw new Error(`the service exited (${result.code ?? result.signal}): ${result.stderr.trim() || result.stdout.trim()}`);
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`the service did not start within ${timeoutMs} ms: ${err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    child,
    url,
    output: out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the service (or the CLI) to its end: for starts that must be refused. */
export async function runToExit(env: Record<string, string>, args: string[] = [], program: 'main' | 'cli' = 'main', timeoutMs = 60_000): Promise<Exited> {
  const child = spawn(process.execPath, [program === 'main' ? MAIN : CLI, ...args], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const { exited } = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Every file under `dir` with its size and content digest: "untouched" means equal snapshots. */
export function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else result[path.relative(dir, full)] = `${fs.statSync(full).size}:${createHash('sha1').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  walk(dir);
  return result;
}
