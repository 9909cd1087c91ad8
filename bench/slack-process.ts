import { FakeSlack } from '../test/support/fake-slack';

/**
 * The fake Slack Web API in a process of its own (benchmarks): users from argv[2], URL over IPC.
 * It keeps only what benchmarks ask for, so its memory stays flat: how many answers each
 * response_url got (and the first one's text), the prompt messages sent (their button values),
 * and when a message was first updated to show a recorded answer.
 */
async function main(): Promise<void> {
  const slack = new FakeSlack();
  await slack.start();
  for (const user of JSON.parse(process.argv[2] ?? '[]') as { id: string; team: string; email: string; name: string; locale?: string }[]) slack.addUser(user);
  const answered = new Map<string, { count: number; first: string }>();
  const prompts = new Map<string, { channel: string; ts: string; values: string[] }>();
  const recorded = new Map<string, number>();
  const count = () => {
    for (const r of slack.responses) {
      const seen = answered.get(r.id);
      answered.set(r.id, { count: (seen?.count ?? 0) + 1, first: seen?.first ?? JSON.stringify(r.body.blocks ?? r.body.text ?? '').slice(0, 200) });
    }
    for (const call of slack.calls) {
      const blocks = JSON.stringify(call.args.blocks ?? '');
      if (call.method === 'chat.postMessage' && (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'privacy_prompt') {
        const values = [...blocks.matchAll(/"value":"(ans:[^"]+)"/g)].map((m) => m[1] as string);
        prompts.set(String(call.args.channel), { channel: String(call.args.channel), ts: String(call.result?.ts ?? ''), values });
      }
      if (call.method === 'chat.update' && blocks.includes('enregistré à')) {
        const key = `${String(call.args.channel)}:${String(call.args.ts)}`;
        if (!recorded.has(key)) recorded.set(key, call.at);
      }
    }
    slack.reset();
  };
  setInterval(count, 200).unref();
  process.on('message', (message: { id?: number }) => {
    count();
    process.send?.({ id: message.id, answered: Object.fromEntries(answered), prompts: [...prompts.values()], recorded: Object.fromEntries(recorded) });
  });
  process.send?.({ url: slack.url, apiUrl: slack.apiUrl });
  process.on('disconnect', () => void slack.stop().then(() => process.exit(0)));
}

void main();
