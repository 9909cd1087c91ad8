import { OceanClient } from '../src/ocean';
import { Fleet } from '../src/sandbox/fleet';
import { line, now, percentile, runBench, startSimProcess, withPeakRss } from './support';

/**
 * The Ocean client against the simulator with 20 ms of added latency at concurrency 32: the
 * bound is concurrency / latency = 1,600 requests a second. Target: at least 90% of it.
 */
async function main(): Promise<void> {
  const latencyMs = 20;
  const concurrency = 32;
  const total = 6000;
  const sim = await startSimProcess({ faults: { latencyMs }, recordLimit: 0 });
  const fleet = new Fleet();
  const client = new OceanClient({ baseUrl: sim.baseUrl, login: sim.login, password: sim.password, maxConcurrency: concurrency });
  await client.authenticate();
  const vehicles = fleet.vehicles.map((v) => v.id);
  // Warm-up: connections open, JIT warm. The simulator answers each request 20 ms after it arrives.
  await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? client.recurringSchedules(fleet.drivers[i % 30]!.individuId) : client.dailyRecord(vehicles[i % vehicles.length]!, '2026-11-24'),
    ),
  );
  const durations: number[] = [];
  const { peakMb, result: elapsed } = await withPeakRss(async () => {
    const started = now();
    let next = 0;
    // 32 callers, each starting its next call when the last one answers.
    const caller = async () => {
      while (next < total) {
        const i = next++;
        const t = now();
        if (i % 2) await client.recurringSchedules(fleet.drivers[i % 30]!.individuId);
        else await client.dailyRecord(vehicles[i % vehicles.length]!, '2026-11-24');
        durations.push(now() - t);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return (now() - started) / 1000;
  });
  durations.sort((a, b) => a - b);
  const rps = total / elapsed;
  const bound = concurrency / (latencyMs / 1000);
  line('requests', `${total} (GET recurring schedules and ficheJour)`);
  line('requests per second', `${rps.toFixed(0)} (bound ${bound.toFixed(0)}: ${((100 * rps) / bound).toFixed(1)}%)`, '≥ 90% of the bound', rps >= 0.9 * bound);
  line('latency p50 / p99', `${percentile(durations, 50).toFixed(1)} ms / ${percentile(durations, 99).toFixed(1)} ms`);
  line('peak RSS', `${peakMb.toFixed(0)} MB`);
  await client.close();
  sim.stop();
}

runBench(main);
