import { performance } from 'node:perf_hooks';

/** Peak resident memory of this process, sampled every 20 ms while `fn` runs. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMb: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function now(): number {
  return performance.now();
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** Runs a benchmark's `main`: any failure is printed and the process exits 1 (`npm run bench` counts it). */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

export function line(label: string, value: string, target?: string, ok?: boolean): void {
  const verdict = ok === undefined ? '' : ok ? '  ✓' : '  ✗ (target missed)';
  console.log(`${label.padEnd(44)} ${value}${target ? `   target ${target}` : ''}${verdict}`);
}

import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

export interface SimProcess {
  baseUrl: string;
  login: string;
  password: string;
  child: ChildProcess;
  setFaults(faults: Record<string, unknown>): Promise<void>;
  stop(): void;
}

/** Starts the simulator in a child process (see sim-process.ts). */
export function startSimProcess(options: Record<string, unknown>): Promise<SimProcess> {
  const child = fork(path.join(__dirname, 'sim-process.js'), [JSON.stringify(options)], {
    execArgv: process.env.SIM_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/simprof'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message) => {
      const { baseUrl, login, password } = message as { baseUrl: string; login: string; password: string };
      const origin = new URL(baseUrl).origin;
      resolve({
        baseUrl,
        login,
        password,
        child,
        async setFaults(faults) {
          await fetch(`${origin}/__sim/faults`, { method: 'POST', body: JSON.stringify(faults) });
        },
        stop() {
          child.disconnect();
        },
      });
    });
  });
}

/** What the fake Slack process kept (see slack-process.ts). */
export interface SlackRecord {
  /** Answers per response_url id, with the first one's text. */
  answered: Record<string, { count: number; first: string }>;
  /** The prompt messages sent: channel, ts and the answer buttons' values. */
  prompts: { channel: string; ts: string; values: string[] }[];
  /** When each message (`channel:ts`) was first updated to show a recorded answer (epoch ms). */
  recorded: Record<string, number>;
}

/** The fake Slack in a child process; `responseUrl(id)` builds response_url values. */
export interface SlackProcess {
  url: string;
  apiUrl: string;
  responseUrl(id: string): string;
  record(): Promise<SlackRecord>;
  stop(): void;
}

export function startSlackProcess(users: unknown[]): Promise<SlackProcess> {
  const child = fork(path.join(__dirname, 'slack-process.js'), [JSON.stringify(users)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message) => {
      const { url, apiUrl } = message as { url: string; apiUrl: string };
      let asked = 0;
      const record = () =>
        new Promise<SlackRecord>((done) => {
          const id = (asked += 1);
          const listen = (reply: SlackRecord & { id?: number }) => {
            if (reply.id !== id) return;
            child.off('message', listen);
            done(reply);
          };
          child.on('message', listen);
          child.send({ id });
        });
      resolve({ url, apiUrl, responseUrl: (id) => `${url}/response/${id}`, record, stop: () => child.disconnect() });
    });
  });
}

import type { Config } from '../src/config';

/** The service's configuration for a benchmark: Slack against a fake, no Teams, quiet logs. */
export function benchConfig(
  ocean: { baseUrl: string; login: string; password: string },
  slackApiUrl: string,
  signingSecret: string,
  overrides: Partial<Config> = {},
): Config {
  return {
    port: 0,
    sandbox: false,
    ocean: { ...ocean, customerId: undefined },
    slack: { botToken: 'xoxb-bench', signingSecret, appToken: undefined, apiUrl: slackApiUrl },
    teams: null,
    publicUrl: 'http://127.0.0.1',
    databaseUrl: undefined,
    dataDir: './data',
    timezone: 'Europe/Paris',
    dailyPromptCron: '30 8 * * *',
    reminderCron: null,
    weeklyReportCron: null,
    answerDeadlineDays: 7,
    dailyClaimLeaseMs: 300_000,
    managerEmails: [],
    defaultLocale: 'fr',
    retentionDays: 400,
    logLevel: 'silent',
    ...overrides,
  };
}
