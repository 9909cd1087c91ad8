import type { GraphClient } from '../../graph';
import { GraphError } from '../../graph';
import type { Log } from '../../log';
import type { Store } from '../../store';
import type { Driver } from '../directory';
import { type ChatPorts, canOpenChats } from '../ports';
import { noteReached, noteUnreachable, unreachableReasons } from './reasons';

export interface TeamsInstallerDeps {
  store: Store;
  graph: Pick<GraphClient, 'user' | 'install' | 'installation' | 'chat'>;
  ports: ChatPorts;
  /** The fleet's Microsoft tenants, searched in order for a driver's e-mail. */
  tenants: string[];
  /** The app's id in the organisation's catalogue (TEAMS_APP_CATALOG_ID). */
  teamsAppId: string;
  /** Drivers handled at once; Graph's pace is kept by the client whatever this is. */
  concurrency?: number;
  logger?: Log;
}

export type InstallOutcome = 'reached' | 'notInTenant' | 'refused' | 'pending' | 'failed';

export interface InstallReport {
  /** Drivers with an e-mail and no Teams conversation, the bot tried for. */
  candidates: number;
  /** Installs Graph made now (201), and those it found already there (409). */
  installed: number;
  alreadyInstalled: number;
  outcomes: Record<InstallOutcome, number>;
}

/**
 * Reaches drivers in Teams who never installed the app (TEAMS_INSTALL_FOR_DRIVERS): for each
 * driver with an e-mail and no Teams conversation, finds the user in the fleet's tenants,
 * installs the catalogue app in their personal scope through Microsoft Graph and keeps the chat
 * between them and the bot, so that the daily run that follows prompts them. An install is
 * recorded as soon as Graph made it: a restart resumes from there and never installs twice.
 * Drivers who blocked the bot are left alone.
 */
export class TeamsInstaller {
  constructor(private readonly deps: TeamsInstallerDeps) {}

  async reach(drivers: Driver[]): Promise<InstallReport> {
    const report: InstallReport = {
      candidates: 0,
      installed: 0,
      alreadyInstalled: 0,
      outcomes: { reached: 0, notInTenant: 0, refused: 0, pending: 0, failed: 0 },
    };
    const candidates = await this.candidates(drivers);
    report.candidates = candidates.length;
    if (!candidates.length) return report;
    const installs = await this.deps.store.reach.installs(candidates.map((d) => d.individuId));
    let next = 0;
    let authFailure: GraphError | undefined;
    const worker = async () => {
      while (next < candidates.length && !authFailure) {
        const driver = candidates[next++] as Driver;
        try {
          report.outcomes[await this.forDriver(driver, installs.get(driver.individuId), report)] += 1;
        } catch (error) {
          // No token (wrong secret, no admin consent): every driver would fail alike; stop and say so once.
          if (error instanceof GraphError && error.kind === 'auth') authFailure = error;
          else this.deps.logger?.warn({ individuId: driver.individuId, err: describe(error) }, 'Teams install for a driver failed; tried again next run');
          report.outcomes.failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 16, candidates.length) }, worker));
    if (authFailure)
      this.deps.logger?.error(
        { err: authFailure.message },
        'Teams installs stopped: no Microsoft Graph token (check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and the admin consent, see docs/deployment.md)',
      );
    this.deps.logger?.info(
      { candidates: report.candidates, installed: report.installed, already: report.alreadyInstalled, ...report.outcomes },
      'Teams installs done',
    );
    return report;
  }

  /** Drivers with an e-mail, no active Teams conversation, and who did not block the bot. */
  private async candidates(drivers: Driver[]): Promise<Driver[]> {
    const { store } = this.deps;
    const withEmail = drivers.filter((d) => d.email);
    const reasons = await unreachableReasons(
      store,
      withEmail.map((d) => d.individuId),
    );
    const found: Driver[] = [];
    for (const driver of withEmail) {
      if (reasons.get(driver.individuId) === 'blocked') continue;
      const teams = (await store.people.forIndividu(driver.individuId)).filter((p) => p.platform === 'teams');
      let reachable = false;
      for (const person of teams) if ((await store.conversations.of(person.id))?.active) reachable = true;
      if (!reachable) found.push(driver);
    }
    return found;
  }

  private async forDriver(
    driver: Driver,
    recorded: { tenant_id: string; user_id: string; installation_id: string | null } | undefined,
    report: InstallReport,
  ): Promise<InstallOutcome> {
    const { store, graph, teamsAppId } = this.deps;
    const email = driver.email as string;
    let tenantId = recorded?.tenant_id;
    let userId = recorded?.user_id;
    if (!tenantId || !userId) {
      for (const tenant of this.deps.tenants) {
        const user = await graph.user(tenant, email);
        if (!user) continue;
        tenantId = tenant;
        userId = user.id;
        break;
      }
      if (!tenantId || !userId) {
        await noteUnreachable(store, driver.individuId, 'notInTenant');
        return 'notInTenant';
      }
      try {
        const outcome = await graph.install(tenantId, userId, teamsAppId);
        if (outcome === 'installed') report.installed += 1;
        else report.alreadyInstalled += 1;
      } catch (error) {
        if (error instanceof GraphError && (error.kind === 'forbidden' || error.kind === 'notFound' || error.kind === 'invalidInput')) {
          await noteUnreachable(store, driver.individuId, 'installRefused', error.code ?? String(error.status));
          return 'refused';
        }
        throw error;
      }
      await store.reach.recordInstall({ individuId: driver.individuId, tenantId, userId, installationId: null });
    }
    const person = await store.people.see({ platform: 'teams', workspaceId: tenantId, chatUserId: userId, email }, { discovered: true });
    if (person.link_source !== 'manual' && person.individu_id !== driver.individuId) await store.people.link(person.id, driver.individuId, 'email');
    // Teams announces the install to the bot (installationUpdate): its conversation, when it came first, is the one kept.
    if (!(await store.conversations.of(person.id))?.active) {
      const port = this.deps.ports.get('teams');
      if (!port || !canOpenChats(port)) return 'pending';
      const installationId = recorded?.installation_id ?? (await graph.installation(tenantId, userId, teamsAppId));
      if (!installationId) return 'pending'; // Graph lists a new install a moment later: the next run takes it
      const chatId = await graph.chat(tenantId, userId, installationId);
      await store.reach.recordInstall({ individuId: driver.individuId, tenantId, userId, installationId });
      const reference = await port.referenceForChat({ workspaceId: tenantId, chatUserId: userId, chatId });
      if (!(await store.conversations.of(person.id))?.active) await store.conversations.save(person.id, reference);
    }
    await noteReached(store, driver.individuId);
    return 'reached';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
