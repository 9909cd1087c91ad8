import { type Service, startService } from '../adapters/service';
import { type Config, ConfigError, loadConfig } from './config';
import { createLogger } from './log';
import { withSandboxOcean } from './sandbox/bootstrap';
import { ephemeralDisk, ephemeralStoreRefusal } from './store/ephemeral';
import { StoreError } from './store/errors';
import { createOwnerOnly, widerThanOwner } from './store/permissions';

/**
 * The composition root: read the configuration, start the Ocean simulator in sandbox mode, start
 * the service, and stop it cleanly on SIGTERM / SIGINT.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  createOwnerOnly();
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const ephemeral = config.databaseUrl ? undefined : ephemeralDisk(env, config.dataDir);
  if (ephemeral && !config.allowEphemeralStore) {
    process.stderr.write(`Configuration error: ${ephemeralStoreRefusal(ephemeral)}\n`);
    process.exit(1);
  }
  let service: Service;
  try {
    service = await boot(config, env);
  } catch (error) {
    if (error instanceof StoreError) {
      process.stderr.write(`Store error: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (ephemeral) service.core.logger.warn({ platform: ephemeral }, `${ephemeralStoreRefusal(ephemeral)} (ALLOW_EPHEMERAL_STORE=true: starting anyway)`);
  const { logger } = service.core;
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'));
  return service;
}

/** Starts the service from a configuration: with the simulator and the web chat in sandbox mode. */
export async function boot(config: Config, env: NodeJS.ProcessEnv = {}): Promise<Service> {
  const logger = createLogger(config.logLevel);
  const wide = config.databaseUrl ? undefined : widerThanOwner(config.dataDir);
  if (wide) logger.warn({ dataDir: config.dataDir }, wide);
  const sandbox = await withSandboxOcean(config, logger);
  config = sandbox.config;
  const { simulator } = sandbox;
  const service = await startService(config, { logger, simulator, host: env.HOST });
  const platforms = [config.slack && 'Slack', config.teams && 'Teams', config.sandbox && 'web chat'].filter(Boolean).join(', ');
  logger.info({ url: service.url, platforms, store: config.databaseUrl ? 'postgresql' : 'pglite' }, 'service started');
  if (config.sandbox) process.stdout.write(`\n  Ocean privacy bot sandbox: open ${service.url}/ in your browser\n\n`);
  return service;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
