import fs from 'node:fs';
import path from 'node:path';

/*
 * Platforms that throw the container's disk away at every restart and deploy. There the embedded
 * store would lose the record of prompts sent (every driver prompted again) and the answers not
 * yet delivered. Heroku (and Dokku, which sets DYNO too) and Scalingo offer no volume at all; on
 * the others the disk is kept only on a volume mounted where DATA_DIR is.
 */
interface Platform {
  name: string;
  marker: (env: NodeJS.ProcessEnv) => string | undefined;
  volumes: boolean;
}

const PLATFORMS: Platform[] = [
  { name: 'Heroku', marker: (env) => (env.DYNO ? 'DYNO' : undefined), volumes: false },
  { name: 'Scalingo', marker: (env) => (env.CONTAINER && env.CONTAINER_VERSION ? 'CONTAINER and CONTAINER_VERSION' : undefined), volumes: false },
  { name: 'Render', marker: (env) => (env.RENDER === 'true' ? 'RENDER' : undefined), volumes: true },
  { name: 'Railway', marker: (env) => (env.RAILWAY_ENVIRONMENT || env.RAILWAY_ENVIRONMENT_NAME ? 'RAILWAY_ENVIRONMENT' : undefined), volumes: true },
  { name: 'Fly.io', marker: (env) => (env.FLY_APP_NAME ? 'FLY_APP_NAME' : undefined), volumes: true },
  { name: 'Cloud Run', marker: (env) => (env.K_SERVICE ? 'K_SERVICE' : undefined), volumes: true },
];

/**
 * The platform whose disk would lose `dataDir` at the next restart, as "Heroku (DYNO is set)", or
 * undefined. `mounts` is /proc/self/mountinfo (read when not given; unreadable means no volume).
 */
export function ephemeralDisk(env: NodeJS.ProcessEnv, dataDir: string, mounts?: string): string | undefined {
  for (const platform of PLATFORMS) {
    const marker = platform.marker(env);
    if (!marker) continue;
    const described = `${platform.name} (${marker} ${marker.includes(' and ') ? 'are' : 'is'} set)`;
    if (!platform.volumes) return described;
    return onVolume(path.resolve(dataDir), mounts ?? readMounts(), env.RAILWAY_VOLUME_MOUNT_PATH)
      ? undefined
      : `${described}, and DATA_DIR is not on a mounted volume`;
  }
  return undefined;
}

/** Whether `dir` lies on a file system mounted apart from the container's root one. */
function onVolume(dir: string, mounts: string, railwayVolume: string | undefined): boolean {
  const inside = (mountPoint: string) => mountPoint !== '/' && (dir === mountPoint || dir.startsWith(`${mountPoint.replace(/\/+$/, '')}/`));
  if (railwayVolume && inside(path.resolve(railwayVolume))) return true;
  // mountinfo: the fifth field is the mount point (spaces and such as octal escapes), the file
  // system type follows " - ". Memory and overlay file systems go with the container.
  const points = mounts
    .split('\n')
    .filter((line) => !/ - (tmpfs|ramfs|overlay|aufs) /.test(line))
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => Boolean(point))
    .map((point) => point.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  return points.some(inside);
}

/** One line for an embedded store on a disk the platform throws away. */
export function ephemeralStoreRefusal(platform: string): string {
  return `DATABASE_URL must be set on ${platform}: the embedded store in DATA_DIR would be lost at the next restart (prompts sent again, answers not yet delivered gone). Set DATABASE_URL to a PostgreSQL database, or ALLOW_EPHEMERAL_STORE=true to try anyway`;
}

function readMounts(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}
