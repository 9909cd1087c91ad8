import { GraphClient } from '../src/graph';
import type { Driver } from '../src/privacy/directory';
import { type ChatOpeningPort, ChatPorts, type OpenedChat } from '../src/privacy/ports';
import { TeamsInstaller } from '../src/privacy/reach/teams-installs';
import { Store } from '../src/store';
import { FakeGraph, FakeLogin } from '../test/support/fake-graph';
import { line, now, runBench } from './support';

/**
 * TEAMS_INSTALL_FOR_DRIVERS for 600 drivers against a fake Microsoft Graph that answers 429
 * (Retry-After: 1 s) to every 40th call of a tenant's installation bucket. Each driver costs a
 * user look-up, an install and two reads (the installation, its chat); Graph allows 30 installs
 * and 30 reads a second per tenant, the client keeps to 27 each: the reads bound the run at
 * 13.5 drivers a second, less the 429 pauses. Then the same again with a restart half-way: the
 * second process resumes from the store and installs nobody twice.
 */
const DRIVERS = 600;
const TENANT = 'TENANT_BENCH';
const APP = 'catalog-app';

/** The Teams transport's part the installer needs: a reference for the chat Graph found. */
class ChatReferences implements ChatOpeningPort {
  readonly platform = 'teams' as const;
  async referenceForChat(chat: OpenedChat): Promise<unknown> {
    return { channelId: 'msteams', serviceUrl: 'http://127.0.0.1/', conversation: { id: chat.chatId, tenantId: chat.workspaceId } };
  }
  async sendDirect(): Promise<never> {
    throw new Error('not in this bench');
  }
  async updateMessage(): Promise<void> {}
}

function drivers(): Driver[] {
  return Array.from({ length: DRIVERS }, (_, i) => ({
    individuId: 1_000_000 + i,
    firstName: 'Driver',
    lastName: String(i),
    email: `driver.${i}@bench.example`,
    matricule: null,
    entity: null,
    group: null,
    vehicles: [{ id: i, numeroEmbarque: null, plate: null, label: `#${i}`, privateMode: true }],
  }));
}

async function setUp(): Promise<{ graph: FakeGraph; login: FakeLogin; store: Store; ports: ChatPorts }> {
  const login = new FakeLogin();
  await login.start();
  const graph = new FakeGraph({ teamsAppId: APP, throttle: { every: 40, retryAfterSeconds: 1 } });
  await graph.start();
  for (const d of drivers()) graph.addUser(d.email as string, `aad-${d.individuId}`, TENANT);
  const ports = new ChatPorts();
  ports.register(new ChatReferences());
  return { graph, login, store: await Store.open(), ports };
}

function installer(env: { graph: FakeGraph; login: FakeLogin; store: Store; ports: ChatPorts }): { installer: TeamsInstaller; client: GraphClient } {
  const client = new GraphClient({ graphUrl: env.graph.url, loginUrl: env.login.url, clientId: 'bench-app', clientSecret: 'bench-secret' });
  return { client, installer: new TeamsInstaller({ store: env.store, graph: client, ports: env.ports, tenants: [TENANT], teamsAppId: APP }) };
}

async function main(): Promise<void> {
  // One run, start to end.
  {
    const env = await setUp();
    const { installer: run, client } = installer(env);
    const started = now();
    const report = await run.reach(drivers());
    const seconds = (now() - started) / 1000;
    await client.close();
    line('drivers reached', `${report.outcomes.reached}/${DRIVERS} in ${seconds.toFixed(1)} s`, `${DRIVERS}`, report.outcomes.reached === DRIVERS);
    line('drivers a second', (report.outcomes.reached / seconds).toFixed(1), '≤ 13.5 (two reads each at 27/s)');
    line(
      '429s answered / honoured',
      `${env.graph.throttled().length} / ${env.graph.throttled().length - env.graph.earlyAfter429.length}`,
      'all honoured',
      env.graph.earlyAfter429.length === 0,
    );
    line(
      'peak calls a second (installs, reads)',
      `${env.graph.peakPerSecond('install')}, ${env.graph.peakPerSecond('read')}`,
      '≤ 30',
      env.graph.peakPerSecond('install') <= 30 && env.graph.peakPerSecond('read') <= 30,
    );
    line(
      'token requests',
      String(env.login.tokenRequests().length),
      '≤ 16: the first calls at once, then MSAL keeps the token',
      env.login.tokenRequests().length <= 16,
    );
    await env.store.close();
    await env.graph.stop();
    await env.login.stop();
  }
  // A restart half-way: the first process stops once half the installs are made.
  {
    const env = await setUp();
    const first = installer(env);
    const stopped = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (env.graph.created.size < DRIVERS / 2) return;
        clearInterval(timer);
        void first.client.close().then(resolve);
      }, 5);
    });
    const firstRun = first.installer.reach(drivers());
    await stopped;
    const before = await firstRun;
    const second = installer(env);
    const started = now();
    const after = await second.installer.reach(drivers());
    const seconds = (now() - started) / 1000;
    await second.client.close();
    const twice = [...env.graph.created.values()].filter((n) => n > 1).length;
    line('first process, then stopped', `${before.outcomes.reached} reached, ${before.installed} installs`);
    line(
      'second process resumes',
      `${after.candidates} left, ${after.outcomes.reached} reached in ${seconds.toFixed(1)} s (${after.alreadyInstalled} found installed: 409)`,
    );
    line('drivers installed twice', String(twice), '0', twice === 0);
    line('drivers reached in all', String((await env.store.reach.installs(drivers().map((d) => d.individuId))).size), `${DRIVERS}`);
    await env.store.close();
    await env.graph.stop();
    await env.login.stop();
  }
}

runBench(main);
