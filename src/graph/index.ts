export { GraphClient, type GraphSettings } from './client';
export { GraphError, type GraphErrorKind } from './errors';
