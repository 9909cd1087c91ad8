import { OceanClient, type OceanClientOptions } from '../../src/ocean';
import { OceanSimulator, type SimulatorOptions } from '../../src/sandbox/simulator';

/** A running simulator and a real client pointed at it over HTTP on 127.0.0.1. */
export async function startOcean(simOptions: SimulatorOptions = {}, clientOptions: Partial<OceanClientOptions> = {}) {
  const sim = new OceanSimulator(simOptions);
  const baseUrl = await sim.start();
  const client = new OceanClient({
    baseUrl,
    login: sim.login,
    password: sim.password,
    timeoutMs: 2_000,
    retry: { initialDelayMs: 5, maxDelayMs: 50 },
    ...clientOptions,
  });
  return {
    sim,
    client,
    baseUrl,
    async stop() {
      await client.close();
      await sim.stop();
    },
  };
}
