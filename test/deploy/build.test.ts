import fs from 'node:fs';
import path from 'node:path';

/*
 * A build after files moved in src/ (issue 31 moved the domain into rooms) leaves no old output
 * behind: Node resolves `./privacy/people` to a stale `dist/src/privacy/people.js` before the new
 * `people/index.js`, and a service built on top of an older build failed to start.
 */
const ROOT = path.resolve(__dirname, '../..');
const { prune } = require('../../scripts/build.js') as { prune: (dir: string) => void };

it('the build prunes dist/ of every compiled file whose source is gone, and keeps the others', () => {
  const dist = path.join(ROOT, 'dist');
  const stale = [path.join(dist, 'src/privacy/people.js'), path.join(dist, 'src/privacy/people.js.map'), path.join(dist, 'src/gone-room/x.js')];
  for (const file of stale) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '// an older build');
  }
  const kept = path.join(dist, 'src/main.js');
  const keptBefore = fs.existsSync(kept);
  prune(dist);
  expect(stale.map((file) => fs.existsSync(file))).toEqual([false, false, false]);
  expect(fs.existsSync(path.join(dist, 'src/gone-room'))).toBe(false);
  expect(fs.existsSync(kept)).toBe(keptBefore);
  expect(fs.existsSync(path.join(dist, 'src/privacy/people/index.js'))).toBe(keptBefore);
});
