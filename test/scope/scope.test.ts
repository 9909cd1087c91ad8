import type { Driver } from '../../src/privacy/directory';
import { Scope, type Unit } from '../../src/privacy/scope';

/** What a scope holds, how it narrows, and what it asks Ocean for: never an empty list (Ocean would read it as everyone). */

const lyon: Unit = { kind: 'entity', id: 11, name: 'Agence Lyon' };
const vienne: Unit = { kind: 'entity', id: 12, name: 'Agence Vienne' };
const sales: Unit = { kind: 'group', id: 20, name: 'Commerciaux' };
const person = (individuId: number, entity: number | null, group: number | null): Driver => ({
  individuId,
  firstName: '',
  lastName: '',
  email: null,
  matricule: null,
  vehicles: [],
  entity: entity === null ? null : { id: entity, name: '' },
  group: group === null ? null : { id: group, name: '' },
});
const people = [person(1, 11, 20), person(2, 11, 21), person(3, 12, 20), person(4, 12, 21), person(5, null, null)];
const held = (scope: Scope) => people.filter((p) => scope.includes(p)).map((p) => p.individuId);

it('a scope is the union of its units; narrowing keeps the part inside the unit, never more', () => {
  const site = Scope.of([lyon]);
  expect(held(Scope.fleet())).toEqual([1, 2, 3, 4, 5]);
  expect(held(site)).toEqual([1, 2]);
  expect(held(Scope.of([lyon, sales]))).toEqual([1, 2, 3]);
  expect(site.narrow(vienne)).toBeUndefined();
  expect(held(site.narrow(sales)!)).toEqual([1]);
  expect(site.narrow(sales)!.label()).toBe('Agence Lyon / Commerciaux');
  expect(held(Scope.of([lyon, sales]).narrow(vienne)!)).toEqual([3]);
  expect(held(Scope.fleet().narrow(vienne)!)).toEqual([3, 4]);
  expect(held(Scope.unavailable())).toEqual([]);
});

it('asks Ocean by entities or groups, by persons when they mix, and not at all for nobody', () => {
  expect(Scope.fleet().filter(people)).toBeUndefined();
  expect(Scope.of([lyon, vienne]).filter(people)).toEqual({ entities: [11, 12] });
  expect(Scope.of([sales]).filter(people)).toEqual({ groups: [20] });
  expect(Scope.of([lyon, sales]).filter(people)).toEqual({ persons: [1, 2, 3] });
  expect(Scope.of([lyon]).narrow(sales)!.filter(people)).toEqual({ persons: [1] });
  expect(Scope.of([lyon]).narrow(sales)!.filter([])).toBe('nobody');
  expect(Scope.unavailable().filter(people)).toBe('nobody');
  expect(Scope.of([lyon]).slug()).toBe('agence-lyon');
});
