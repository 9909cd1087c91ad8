import path from 'node:path';
import type { Config } from '../config';
import type { Log } from '../log';
import { ENTITIES, FLEET_EMAIL_DOMAIN, MANAGER_INDEX, SITE_MANAGER_INDEX } from './fleet';
import { OceanSimulator } from './simulator';
import { STATE_FILE_NAME } from './state-file';

/**
 * Sandbox mode: starts the Ocean simulator and points the configuration at it; with neither
 * MANAGER_EMAILS nor MANAGERS, the seeded fleet manager sees the whole fleet and its site
 * manager their site (Agence Lyon). The simulator keeps its state in DATA_DIR, as
 * the store does, so a restart shows what was there before. Outside sandbox mode, changes nothing.
 */
export async function withSandboxOcean(config: Config, logger: Log): Promise<{ config: Config; simulator: OceanSimulator | undefined }> {
  if (!config.sandbox) return { config, simulator: undefined };
  const simulator = new OceanSimulator({
    zone: config.timezone,
    tripTimes: config.ocean.tripTimes ?? 'utc',
    codeExploitant: config.ocean.codeExploitant,
    stateFile: path.join(config.dataDir, STATE_FILE_NAME),
    logger,
  });
  const baseUrl = await simulator.start();
  let sandboxed: Config = { ...config, ocean: { ...config.ocean, baseUrl, login: simulator.login, password: simulator.password } };
  if (!sandboxed.managerEmails.length && !sandboxed.managers?.length) {
    const manager = simulator.fleet.byIndex(MANAGER_INDEX);
    const site = simulator.fleet.byIndex(SITE_MANAGER_INDEX);
    sandboxed = {
      ...sandboxed,
      managerEmails: manager.email ? [manager.email] : [],
      managers: site.email ? [{ email: site.email, scope: [{ kind: 'entity', name: ENTITIES[site.entityId] as string }] }] : [],
    };
  }
  logger.info({ ocean: baseUrl, domain: FLEET_EMAIL_DOMAIN }, 'sandbox mode: Ocean simulator started');
  return { config: sandboxed, simulator };
}
