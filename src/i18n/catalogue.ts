import type { fr } from './fr';

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> };
/** The shape every catalogue must have: French's keys, any strings. */
export type Catalogue = Widen<typeof fr>;
