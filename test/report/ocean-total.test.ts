import { AnalysisResponse } from '../../src/ocean/schemas';
import { readAnalysis } from '../../src/privacy/report/rows';

/*
 * Reports show the sum of their rows. Ocean's own total of the tree is compared with that sum and
 * a real difference is logged; Ocean's rows rounded to the cent one by one are not a difference.
 */

/** Vehicles costing 0,125 € each, rounded by Ocean to 0,13 € per row and to the cent on the total. */
function fleet(count: number, totalMeters: number): unknown {
  const nodes: Record<string, unknown> = {};
  for (let id = 1; id <= count; id++) {
    nodes[String(id)] = {
      cost: 0.13,
      vehicle: { id, description: `AB-${100 + id}-CD` },
      total: { distanceInMeterByPeriodMap: { VIE_PRIVEE: 1000, VIE_PROFESSIONNELLE: 9000 } },
    };
  }
  return [
    {
      synthesisTreeByVehicle: {
        nodes,
        entityTotalCumul: {
          cost: Math.round(count * 0.125 * 100) / 100,
          total: { distanceInMeterByPeriodMap: { VIE_PRIVEE: count * 1000, VIE_PROFESSIONNELLE: totalMeters - count * 1000 } },
        },
      },
    },
  ];
}

function differences(count: number, totalMeters: number): unknown[] {
  const told: unknown[] = [];
  readAnalysis(AnalysisResponse.parse(fleet(count, totalMeters)), {
    by: 'vehicle',
    drivers: new Map(),
    vehicles: new Map(),
    onTotalMismatch: (difference) => told.push(difference),
  });
  return told;
}

describe("Ocean's total against the sum of the rows", () => {
  it('rows rounded to the cent one by one are not a difference worth a warning', () => {
    expect(differences(8, 80_000)).toEqual([]);
    expect(differences(40, 400_000)).toEqual([]);
  });

  it('a total that is off by more than its rows could round is told, with the difference', () => {
    expect(differences(8, 90_000)).toEqual([{ professionalMeters: 10_000 }]);
  });
});
