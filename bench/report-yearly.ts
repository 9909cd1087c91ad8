import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { translator } from '../src/i18n';
import { OceanClient } from '../src/ocean';
import type { Driver } from '../src/privacy/directory';
import type { Actor } from '../src/privacy/people/people';
import { ReportService } from '../src/privacy/report/reports';
import { line, now, withPeakRss } from './support';

/**
 * The year's benefit in kind for 5,000 vehicles, one in ten shared by two drivers, through the
 * real Ocean client over HTTP to a server that answers like Ocean: it analyses at most 200 days
 * at once (the year is refused, then asked in two pieces), by vehicle for the fleet and by
 * driver for each shared vehicle. Target: < 1.5 s, < 300 MB.
 */
const VEHICLES = 5000;
const SHARED_EVERY = 10;
const MAX_DAYS = 200;

function total(id: number, priv: number, pro: number, electric: boolean): Record<string, unknown> {
  return {
    consoL: electric ? 0 : (priv + pro) / 15_000,
    consoKWh: electric ? (priv + pro) / 6000 : 0,
    cost: (priv + pro) / 8000,
    dayDate: null,
    total: {
      distanceInMeterByPeriodMap: { VIE_PRIVEE: priv, PROFESSIONNEL: pro },
      distanceElectriqueInMeterByPeriodMap: { VIE_PRIVEE: electric ? priv : 0, PROFESSIONNEL: electric ? pro : 0 },
      durationInSecByPeriodMap: { VIE_PRIVEE: priv / 12, PROFESSIONNEL: pro / 14 },
      utilisationBatterieByPeriodMap: {},
    },
    driver: null,
    vehicle: {
      id,
      description: 'Renault Clio',
      typeMotorisation: electric ? 'ELECTRIQUE' : 'MONO',
      privacyEnabled: true,
      geolocalise: true,
      suppressionLogique: false,
    },
    entity: null,
  };
}

function answer(byVehicle: boolean, nodes: Record<string, unknown>): string {
  const tree = { nodes, entityTotalCumul: null, entityTotalByFlagCumul: {}, entity: null, content: null };
  return JSON.stringify([
    {
      mode: byVehicle ? 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS' : 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
      synthesisTreeByDriver: byVehicle ? null : tree,
      synthesisTreeByVehicle: byVehicle ? tree : null,
      htmlTable: '',
      bean: {},
    },
  ]);
}

const vehicleId = (i: number) => 50_000 + i;
const driverId = (i: number, second = false) => (second ? 1_120_000_000 : 1_110_000_000) + i;

/** Vehicle i's private and professional metres in one analysed piece. */
const privateMeters = (i: number) => (i * 7919) % 2_000_000;
const professionalMeters = (i: number) => 5_000_000 + ((i * 104729) % 20_000_000);
const electric = (i: number) => i % 5 === 0;

function fleetAnswer(): string {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < VEHICLES; i += 1) nodes[String(vehicleId(i))] = total(vehicleId(i), privateMeters(i), professionalMeters(i), electric(i));
  return answer(true, nodes);
}

/** The drivers of the vehicles asked: a quarter of the private and 60 % of the professional metres to the first. */
function sharedAnswer(ids: number[]): string {
  const nodes: Record<string, unknown> = {};
  for (const id of ids) {
    const i = id - 50_000;
    const [priv, pro] = [privateMeters(i), professionalMeters(i)];
    nodes[String(driverId(i))] = total(id, priv / 4, pro * 0.6, electric(i));
    nodes[String(driverId(i, true))] = total(id, priv - priv / 4, pro - pro * 0.6, electric(i));
  }
  return answer(false, nodes);
}

function fleet(): Driver[] {
  const drivers: Driver[] = [];
  for (let i = 0; i < VEHICLES; i += 1) {
    const vehicle = {
      id: vehicleId(i),
      numeroEmbarque: 900_000 + i,
      plate: `AB-${String(i).padStart(4, '0')}-CD`,
      label: `AB-${String(i).padStart(4, '0')}-CD · Renault Clio`,
      privateMode: true,
    };
    drivers.push({
      individuId: driverId(i),
      firstName: `Prénom${i}`,
      lastName: `Nom${i}`,
      email: null,
      matricule: null,
      vehicles: [vehicle],
      entity: null,
      group: null,
    });
    if (i % SHARED_EVERY === 0)
      drivers.push({
        individuId: driverId(i, true),
        firstName: `Second${i}`,
        lastName: `Nom${i}`,
        email: null,
        matricule: null,
        vehicles: [vehicle],
        entity: null,
        group: null,
      });
  }
  return drivers;
}

/** A server answering like Ocean's analysis for this fleet; counts the calls. */
async function oceanLike(): Promise<{ url: string; calls: { refused: number; fleet: number; shared: number }; close(): Promise<void> }> {
  const fleetBody = fleetAnswer();
  const calls = { refused: 0, fleet: 0, shared: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json;charset=utf-8');
      if (req.url?.includes('auth/authenticate2')) return void res.end(JSON.stringify({ token: 'bench-token', passwordExpirationRemainingDays: 90 }));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        renderMode: string;
        filter?: { vehicleIds?: number[] };
        periode: { debut: string; fin: string };
      };
      if (Date.parse(body.periode.fin) - Date.parse(body.periode.debut) > MAX_DAYS * 86_400_000 + 3_600_000) {
        calls.refused += 1;
        res.statusCode = 400;
        return void res.end(JSON.stringify({ oceanStatus: 'badParameters', message: `Période trop longue (${MAX_DAYS} jours au maximum)` }));
      }
      if (body.renderMode.startsWith('BY_VEHICLE')) {
        calls.fleet += 1;
        return void res.end(fleetBody);
      }
      calls.shared += 1;
      res.end(sharedAnswer(body.filter?.vehicleIds ?? []));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function yearlyBench(): Promise<void> {
  const ocean = await oceanLike();
  const client = new OceanClient({ baseUrl: ocean.url, login: 'bench', password: 'bench', maxConcurrency: 16 });
  const drivers = fleet();
  const service = new ReportService({
    ocean: client,
    directory: { all: async () => drivers } as never,
    store: { auditLog: { add: async () => undefined } } as never,
    zone: 'Europe/Paris',
  });
  const actor = { t: translator('fr'), ref: 'bench' } as Actor;
  try {
    global.gc?.();
    const started = now();
    const cpu = process.cpuUsage();
    const { peakMb, result: view } = await withPeakRss(() => service.report(actor, { first: '2026-01-01', last: '2026-12-31', kind: 'year' }, 'vehicle'));
    const ms = now() - started;
    // On a machine others use too, the CPU this process used says more than the wall clock.
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const csv = view.blocks.find((b) => b.type === 'file');
    const lines = csv && csv.type === 'file' ? csv.data.toString('utf8').split('\r\n').filter(Boolean).length : 0;
    line('yearly, vehicles', `${VEHICLES}, ${VEHICLES / SHARED_EVERY} shared by two drivers`);
    line(
      '  analyses asked',
      `${ocean.calls.refused} refused (a year > ${MAX_DAYS} days), ${ocean.calls.fleet} by vehicle, ${ocean.calls.shared} by driver for shared vehicles`,
    );
    line('  CSV', csv && csv.type === 'file' ? `${(csv.data.length / 1024).toFixed(0)} KB, ${lines} lines` : 'missing');
    line(
      'yearly total (HTTP, parse, aggregate, render)',
      `${ms.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms, the fake Ocean's included)`,
      '< 1,500 ms',
      ms < 1500,
    );
    line('yearly peak RSS', `${peakMb.toFixed(0)} MB`, '< 300 MB', peakMb < 300);
  } finally {
    await client.close();
    await ocean.close();
  }
}
