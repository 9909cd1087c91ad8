import { startService } from '../adapters/service';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { isIsoDay, yesterday } from './ocean/dates';
import { withSandboxOcean } from './sandbox/bootstrap';

/**
 * One-off commands: `daily --date YYYY-MM-DD` runs the daily prompt for that day now
 * (idempotent: drivers already prompted for that day are not prompted again) and prints it.
 */
async function cli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'daily') {
    process.stderr.write('usage: npm run daily -- --date YYYY-MM-DD\n');
    return 2;
  }
  const at = rest.indexOf('--date');
  let config;
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
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const sandbox = await withSandboxOcean(config, logger);
  config = sandbox.config;
  const { simulator } = sandbox;
  const service = await startService({ ...config, port: 0 }, { logger, simulator, jobs: false });
  try {
    const report = await service.core.dailyRun.run(day);
    process.stdout.write(`${JSON.stringify({ day: report.day, drivers: report.drivers, ...report.outcomes, sent: report.sent }, null, 2)}\n`);
    await service.core.outbox.drain();
    return report.outcomes.failed ? 1 : 0;
  } finally {
    await service.stop();
  }
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`daily failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
