// The order jest starts test files in: the longest first, so that neither worker is left with a
// long file at the end while the other idles. Jest knows a file's time from its cache of the last
// run; a clean clone (CI) has none, and jest then goes by file size, which starts the fresh-clone
// test (a small file, a minute of npm install and build) last. The files below are known to be
// long, with their seconds in a whole run on a 2-core machine (2026-12-06): a file without a
// time from the cache takes its estimate from here, or from its size. Add a file when the
// summary's slowest list shows it.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const KNOWN_SECONDS = {
  'test/sandbox/clone.test.ts': 75,
  'test/store/embedded-folder.test.ts': 39,
  'test/store/embedded-lock.test.ts': 37,
  'test/store/embedded-killed.test.ts': 31,
  'test/promises/answer-survives-kill-pglite.test.ts': 28,
  'test/promises/restart-after-crash.test.ts': 20,
  'test/validators/recorded-payloads.test.ts': 20,
  'test/report/report.test.ts': 20,
  'test/store/owner-only.test.ts': 18,
  'test/daily/daily-prompt.test.ts': 16,
  'test/sandbox/browser.test.ts': 15,
  'test/security/trust-boundaries.test.ts': 15,
};

/** Unknown files: about a second per kilobyte of test code. */
const secondsFromSize = (bytes) => bytes / 1000;

class LongestFirst extends Sequencer {
  sort(tests) {
    const root = path.resolve(__dirname, '../..');
    const estimate = (test) => {
      const cached = this.time(test);
      if (cached != null) return cached;
      const known = KNOWN_SECONDS[path.relative(root, test.path).split(path.sep).join('/')];
      return 1000 * (known ?? secondsFromSize(test.context.hasteFS.getSize(test.path) ?? 0));
    };
    const failed = (test) => (this.hasFailed(test) ? 1 : 0);
    const ms = new Map(tests.map((test) => [test, estimate(test)]));
    // Files that failed last time first (the quickest feedback), then the longest.
    return [...tests].sort((a, b) => failed(b) - failed(a) || ms.get(b) - ms.get(a));
  }
}

module.exports = LongestFirst;
