import { between, pick } from './random';

/** A trip's end: a town of the fleet's area and a street address in it. */
export interface Place {
  town: string;
  postalCode: string;
  address: string;
  lat: number;
  lon: number;
}

export type Town = Omit<Place, 'address'>;

/** The fleet works around Lyon: its suburbs, and towns up to an hour's drive away. */
export const TOWNS: readonly Town[] = [
  { town: 'Lyon', postalCode: '69003', lat: 45.7597, lon: 4.8422 },
  { town: 'Villeurbanne', postalCode: '69100', lat: 45.7719, lon: 4.8902 },
  { town: 'Vénissieux', postalCode: '69200', lat: 45.6975, lon: 4.8867 },
  { town: 'Bron', postalCode: '69500', lat: 45.7386, lon: 4.9131 },
  { town: 'Écully', postalCode: '69130', lat: 45.7745, lon: 4.7772 },
  { town: 'Saint-Priest', postalCode: '69800', lat: 45.6964, lon: 4.9439 },
  { town: 'Villefranche-sur-Saône', postalCode: '69400', lat: 45.9898, lon: 4.7186 },
  { town: 'Vienne', postalCode: '38200', lat: 45.5255, lon: 4.8745 },
  { town: 'Bourgoin-Jallieu', postalCode: '38300', lat: 45.5862, lon: 5.2736 },
  { town: 'Givors', postalCode: '69700', lat: 45.5906, lon: 4.7689 },
  { town: 'Meyzieu', postalCode: '69330', lat: 45.7667, lon: 5.0036 },
  { town: 'Saint-Étienne', postalCode: '42000', lat: 45.4397, lon: 4.3872 },
];
const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'boulevard des Belges',
  'rue Victor Hugo',
  'place Bellecour',
  'rue Garibaldi',
  'avenue Berthelot',
  'rue du Commerce',
];

const EARTH_RADIUS_KM = 6371.0088;
/** Roads are longer than the straight line: 1.25 to 1.4 times it between towns of the area. */
const DETOUR = [1.25, 1.4] as const;
/** A trip inside one town, from one address to another. */
const WITHIN_TOWN_METERS = [1500, 9000] as const;
/** Driving from the address to the town's way out, and in at the other end. */
const TOWN_ENDS_METERS = [800, 3500] as const;
/** How often a trip stays in its town. */
const WITHIN_TOWN_SHARE = 0.2;
/** How fast the choice of the next town falls with its distance: nearby towns are visited most. */
const NEARBY_KM = 20;

/** Great-circle distance between two places, in kilometres (haversine). */
export function crowFliesKm(a: Pick<Town, 'lat' | 'lon'>, b: Pick<Town, 'lat' | 'lon'>): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

/**
 * The average speed of a trip of this length: about 25 km/h for a few kilometres in town, up to
 * about 75 km/h when most of it is on main roads.
 */
export function averageSpeedKmh(km: number): number {
  return 18 + 60 * (1 - Math.exp(-km / 25));
}

export interface Leg {
  to: Place;
  distanceMeter: number;
  minutes: number;
}

/** An address in a town. */
export function placeIn(rng: () => number, town: Town): Place {
  return { ...town, address: `${between(rng, 1, 180)} ${pick(rng, STREETS)}` };
}

/** Where a vehicle goes next from `from`: mostly to a nearby town, sometimes across its own. */
export function nextTown(rng: () => number, from: Town): Town {
  if (rng() < WITHIN_TOWN_SHARE) return from;
  const others = TOWNS.filter((t) => t.town !== from.town);
  const weights = others.map((t) => Math.exp(-crowFliesKm(from, t) / NEARBY_KM));
  let left = rng() * weights.reduce((sum, w) => sum + w, 0);
  for (const [i, weight] of weights.entries()) {
    left -= weight;
    if (left < 0) return others[i] as Town;
  }
  return others[others.length - 1] as Town;
}

/**
 * A drive from `from` to an address in `town`: the road distance is the straight line times a
 * detour factor plus the driving at both ends (or a trip across one town), and the duration
 * follows from a speed that fits that distance.
 */
export function drive(rng: () => number, from: Place, town: Town): Leg {
  const to = placeIn(rng, town);
  const meters =
    from.town === town.town
      ? between(rng, ...WITHIN_TOWN_METERS)
      : crowFliesKm(from, to) * 1000 * (DETOUR[0] + rng() * (DETOUR[1] - DETOUR[0])) + between(rng, ...TOWN_ENDS_METERS);
  const distanceMeter = Math.round(meters);
  const km = distanceMeter / 1000;
  // Traffic: the same drive takes up to 10 % more or less time from one day to the next.
  const minutes = Math.max(4, Math.round((km / averageSpeedKmh(km)) * 60 * (0.9 + rng() * 0.2)));
  return { to, distanceMeter, minutes };
}
