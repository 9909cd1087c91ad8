/*
 * privacy/scope/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * What a manager may see. Owns the scopes given to managers (managers.ts) and a scope's reading
 * of the drivers (scope.ts).
 * May use: nothing but the kernel (../directory.ts).
 */
export { describeRef, type ManagerSetting, type UnitKind, type UnitRef, unitKind, unitRef } from '../../domain';
export { holds, ManagerScopes, ScopeError } from './managers';
export { Scope, type ScopeFilter, type Unit } from './scope';
