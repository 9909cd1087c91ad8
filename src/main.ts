import { type Service, startService } from '../adapters/service';
import { type Config, ConfigError, loadConfig } from './config';
import { loadEnvFile } from './env-file';
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
    const listen = listenFailure(error, env.HOST, config.port);
    if (listen) {
      process.stderr.write(`Configuration error: ${listen}\n`);
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

/** A port that could not be opened because of HOST or PORT, said as the configuration error it is. */
function listenFailure(error: unknown, host: string | undefined, port: number): string | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (syscall !== 'listen' && syscall !== 'getaddrinfo') return undefined;
  if (code === 'EADDRINUSE') return `PORT ${port} is already taken by another process`;
  if (code === 'EACCES') return `PORT ${port} needs privileges this process does not have (take one above 1023)`;
  if (code && ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EADDRNOTAVAIL'].includes(code))
    return `HOST must be an address of this machine or a name that resolves to one (got "${host}": ${code})`;
  return undefined;
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
  readEnvFile();
  main().catch((error: unknown) => {
    process.stderr.write(`Start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/** The operator's `.env` (./env-file.ts), read before anything else; a file that cannot be read stops the start with one line. */
export function readEnvFile(): void {
  try {
    loadEnvFile();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
}
