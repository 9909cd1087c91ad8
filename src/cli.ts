import path from 'node:path';
import { request } from 'undici';
import { type Service, startService } from '../adapters/service';
import { type Config, ConfigError, loadConfig } from './config';
import { createLogger } from './log';
import { readEnvFile } from './main';
import { isIsoDay, yesterday } from './ocean/dates';
import { AnswerWindow, dayToRun, seedSandboxHistory } from './privacy/daily';
import { withSandboxOcean } from './sandbox/bootstrap';
import { ephemeralDisk, ephemeralStoreRefusal } from './store/ephemeral';
import { StoreError } from './store/errors';
import { inUse, type LockHolder, storeHolder } from './store/lock';
import { createOwnerOnly } from './store/permissions';

/**
 * One-off commands: `daily --date YYYY-MM-DD` runs the daily prompt for that day now
 * (idempotent: drivers already prompted for that day are not prompted again) and prints it.
 * With the embedded store held by a running service, the service runs the day (POST
 * /internal/daily on loopback): one process writes the store, and the service knows what it sent.
 */
async function cli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'daily') {
    process.stderr.write('usage: npm run daily -- --date YYYY-MM-DD\n');
    return 2;
  }
  createOwnerOnly();
  const at = rest.indexOf('--date');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const day = at >= 0 ? rest[at + 1] : yesterday(new Date(), config.timezone);
  if (!day || !isIsoDay(day)) {
    process.stderr.write('--date must be a day written YYYY-MM-DD\n');
    return 2;
  }
  const now = new Date();
  const check = dayToRun(day, new AnswerWindow(config.timezone, config.answerDeadlineDays, { now: () => now }), config.timezone, now);
  if ('refuse' in check) {
    process.stderr.write(`${check.refuse}\n`);
    return 2;
  }
  if ('warn' in check) process.stderr.write(`Warning: ${check.warn}\n`);
  if (!config.databaseUrl) {
    const ephemeral = ephemeralDisk(process.env, config.dataDir);
    if (ephemeral && !config.allowEphemeralStore) {
      process.stderr.write(`Configuration error: ${ephemeralStoreRefusal(ephemeral)}\n`);
      return 1;
    }
    const holder = storeHolder(config.dataDir);
    if (holder) return handOver(holder, day, path.join(path.resolve(config.dataDir), 'pglite'));
  }
  // stdout carries the report; the log goes to stderr.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
  const sandbox = await withSandboxOcean(config, logger);
  config = sandbox.config;
  const { simulator } = sandbox;
  let service: Service;
  try {
    service = await startService({ ...config, port: 0 }, { logger, simulator, jobs: false });
  } catch (error) {
    await simulator?.stop();
    if (error instanceof StoreError) {
      process.stderr.write(`Store error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    // Sandbox: a few weeks of answers for some drivers, so that their messages show suggestions.
    if (simulator) await seedSandboxHistory(service.core.store, simulator.fleet, day, config.timezone);
    const report = await service.core.dailyRun.run(day);
    print({ day: report.day, drivers: report.drivers, ...report.outcomes, sent: report.sent });
    await service.core.outbox.drain();
    return report.outcomes.failed ? 1 : 0;
  } finally {
    await service.stop();
  }
}

/** The running service runs the day and answers with what it sent. */
async function handOver(holder: LockHolder, day: string, folder: string): Promise<number> {
  if (!holder.url || !holder.token) {
    process.stderr.write(`Store error: ${inUse(folder, path.join(path.dirname(folder), 'pglite.lock'), holder)}\n`);
    return 1;
  }
  process.stderr.write(`The service (process ${holder.pid}) holds ${folder}: it runs ${day}.\n`);
  // A day's run lasts as long as the fleet is large: no timeout but the service's.
  const response = await request(`${holder.url}/internal/daily`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
    body: JSON.stringify({ day }),
    headersTimeout: 0,
    bodyTimeout: 0,
  }).catch((error: unknown) => {
    throw new Error(`the service at ${holder.url} did not answer (${error instanceof Error ? error.message : String(error)})`);
  });
  const body = (await response.body.json().catch(() => ({}))) as { failed?: number; error?: string };
  if (response.statusCode !== 200) {
    process.stderr.write(`daily failed: the service answered ${response.statusCode} ${body.error ?? ''}\n`);
    return 1;
  }
  print(body);
  return body.failed ? 1 : 0;
}

function print(report: unknown): void {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

readEnvFile();
cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`daily failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
