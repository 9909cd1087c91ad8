import * as S from './schemas';
import type { CallContext, OceanTransport } from './transport';

/** Ocean's directory: drivers (individus), vehicles, and the dated driver–vehicle assignments. */
export class OceanDirectoryApi {
  constructor(private readonly transport: OceanTransport) {}

  listIndividus(criteria?: S.IndividusCriteria): Promise<S.IndividuEntry[]> {
    return this.transport.call({ method: 'POST', endpoint: 'individus/list', query: { criteria }, schema: S.IndividusListResponse, idempotent: true });
  }

  listVehicles(immatriculation?: string): Promise<S.VehicleEntry[]> {
    return this.transport.call({
      method: 'GET',
      endpoint: 'vehicule_engin/vehicles',
      query: { immatriculation },
      schema: S.VehiclesResponse,
      idempotent: true,
    });
  }

  /** `affectations_chauffeurs/get`: one dated driver<->vehicle assignment by its id. */
  assignment(idAffectation: number, context: CallContext = {}): Promise<S.DriverAssignment | null> {
    return this.transport.call({
      method: 'GET',
      endpoint: 'affectations_chauffeurs/get',
      query: { idAffectation },
      schema: S.DriverAssignment.nullable(),
      idempotent: true,
      requestId: context.requestId,
      nothing: null,
    });
  }

  /** `affectations_chauffeurs/historique`: the dated assignments of a vehicle and/or a driver. */
  assignmentHistory(filter: { vehicleId?: number; individuId?: number }, context: CallContext = {}): Promise<S.DriverAssignment[]> {
    return this.transport.call({
      method: 'GET',
      endpoint: 'affectations_chauffeurs/historique',
      query: { idVehicule: filter.vehicleId, idIndividu: filter.individuId },
      schema: S.AssignmentHistoryResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: [],
    });
  }
}
