import { OceanSimulator } from '../src/sandbox/simulator';

/**
 * The Ocean simulator in a process of its own, so that a benchmark measures the client, not the
 * simulator sharing its event loop. Options come as JSON in argv[2]; the base URL goes to the
 * parent over IPC; faults can be changed through POST /__sim/faults.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ConstructorParameters<typeof OceanSimulator>[0];
  const sim = new OceanSimulator(options);
  const baseUrl = await sim.start();
  process.send?.({ baseUrl, login: sim.login, password: sim.password });
  process.on('disconnect', () => void sim.stop().then(() => process.exit(0)));
}

void main();
