import { FakeSlack } from '../test/support/fake-slack';

/** The fake Slack Web API in a process of its own (benchmarks): users from argv[2], URL over IPC. */
async function main(): Promise<void> {
  const slack = new FakeSlack();
  await slack.start();
  for (const user of JSON.parse(process.argv[2] ?? '[]') as { id: string; team: string; email: string; name: string; locale?: string }[]) slack.addUser(user);
  // Keep memory flat: a benchmark records nothing it does not read, only how many answers
  // each response_url received.
  const answered = new Map<string, number>();
  const count = () => {
    for (const r of slack.responses) answered.set(r.id, (answered.get(r.id) ?? 0) + 1);
    slack.reset();
  };
  setInterval(count, 1000).unref();
  process.on('message', (message: { id?: number }) => {
    count();
    process.send?.({ id: message.id, answered: Object.fromEntries(answered) });
  });
  process.send?.({ url: slack.url, apiUrl: slack.apiUrl });
  process.on('disconnect', () => void slack.stop().then(() => process.exit(0)));
}

void main();
