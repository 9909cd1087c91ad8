import fs from 'node:fs';
import path from 'node:path';

/**
 * Ocean's own example payloads. The source of truth is ../shared/ocean-api/examples beside the
 * project; a copy lives in test/fixtures so that a lone clone still tests against them.
 */
export const SHARED_EXAMPLES = path.resolve(__dirname, '../../../shared/ocean-api/examples');
export const VENDORED_EXAMPLES = path.resolve(__dirname, '../fixtures/ocean-examples');

export function examplesDir(): string {
  return fs.existsSync(SHARED_EXAMPLES) ? SHARED_EXAMPLES : VENDORED_EXAMPLES;
}

export function readExample(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(examplesDir(), name), 'utf8'));
}
