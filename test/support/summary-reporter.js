// Prints, at the end of a run, the ten slowest test files and the run's wall-clock time, then one
// plain closing line, "tests: N passed, N failed, N skipped", that any CI can read.
// The per-file time is the time jest's worker spent on the file (setup, tests, teardown); with two
// workers the total is about half their sum. Set JEST_SLOWEST=N to print N files instead of ten.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const count = Number(process.env.JEST_SLOWEST) || 10;
    const files = results.testResults
      .map((r) => ({ file: relative(r.testFilePath), ms: r.perfStats.runtime ?? r.perfStats.end - r.perfStats.start }))
      .filter((f) => Number.isFinite(f.ms))
      .sort((a, b) => b.ms - a.ms);
    const sum = files.reduce((total, f) => total + f.ms, 0);
    const wall = Date.now() - results.startTime;
    const lines = files.slice(0, count).map((f) => `  ${seconds(f.ms).padStart(7)}  ${f.file}`);
    process.stdout.write(
      `\nslowest ${Math.min(count, files.length)} of ${files.length} test files:\n${lines.join('\n')}\n` +
        `jest: ${seconds(wall)} wall clock, ${seconds(sum)} summed over files\n`,
    );
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}

function relative(file) {
  return file.startsWith(process.cwd()) ? file.slice(process.cwd().length + 1) : file;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

module.exports = SummaryReporter;
