import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config';

/**
 * Reads the operator's `.env` file (KEY=value lines, as in .env.example) into `env` before the
 * configuration is read, for `npm start` and `npm run daily` alike: the working directory's
 * `.env` when there is one, or the file `ENV_FILE` names; `ENV_FILE=` (empty) reads none (the
 * tests and benchmarks set it, so that a developer's `.env` never reaches the services they
 * start). A variable already set in the environment wins over the file, as with
 * `node --env-file`. Returns the file read, if any. Node's own parser (`util.parseEnv`) reads it.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  const named = env.ENV_FILE;
  if (named === '') return undefined;
  const file = path.resolve(cwd, named ?? '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named === undefined && code === 'ENOENT') return undefined;
    throw new ConfigError(named === undefined ? '.env' : 'ENV_FILE', `cannot be read: ${file} (${code ?? String(error)})`);
  }
  for (const [key, value] of Object.entries(parseEnv(text))) if (env[key] === undefined) env[key] = value;
  return file;
}
