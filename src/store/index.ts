export * from './store';
export type * from './schema';
