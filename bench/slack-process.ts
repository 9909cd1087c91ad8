import { FakeSlack } from '../test/support/fake-slack';

/** The fake Slack Web API in a process of its own (benchmarks): users from argv[2], URL over IPC. */
async function main(): Promise<void> {
  const slack = new FakeSlack();
  await slack.start();
  for (const user of JSON.parse(process.argv[2] ?? '[]') as { id: string; team: string; email: string; name: string; locale?: string }[]) slack.addUser(user);
  // Keep memory flat: a benchmark records nothing it does not read.
  setInterval(() => slack.reset(), 1000).unref();
  process.send?.({ url: slack.url, apiUrl: slack.apiUrl });
  process.on('disconnect', () => void slack.stop().then(() => process.exit(0)));
}

void main();
