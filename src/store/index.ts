export type * from './schema';
export * from './store';
