export { describeRef, type ManagerSetting, type UnitKind, type UnitRef, unitKind, unitRef } from '../../domain';
export { holds, ManagerScopes, ScopeError } from './managers';
export { Scope, type ScopeFilter, type Unit } from './scope';
