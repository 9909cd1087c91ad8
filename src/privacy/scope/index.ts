export { holds, ManagerScopes, ScopeError } from './managers';
export { Scope, type ScopeFilter, type Unit } from './scope';
export { describeRef, type ManagerSetting, parseManagers, type UnitKind, type UnitRef, unitKind, unitRef } from './syntax';
