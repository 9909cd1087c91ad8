import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { startService } from '../adapters/service';
import { createLogger } from '../src/log';
import { Fleet } from '../src/sandbox/fleet';
import { Store } from '../src/store';
import { FakeSlack } from '../test/support/fake-slack';
import { benchConfig, line, now, percentile, runBench, startSimProcess } from './support';

/**
 * A driver's click to the message showing the recorded choice: signed block_actions POST → ack →
 * answer stored → outbox → Ocean's retroactive endpoint → chat.update with "enregistré à".
 * On loopback, the simulator with no added latency. Target: p95 under 300 ms.
 */
const SECRET = 'bench-signing-secret';

function signed(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

async function main(): Promise<void> {
  const sim = await startSimProcess({ clock: undefined });
  const slack = new FakeSlack();
  await slack.start();
  const fleet = new Fleet();
  for (const d of fleet.drivers) if (d.email) slack.addUser({ id: `U_${d.index}`, team: 'T_FLEET', email: d.email, name: d.firstName });
  const store = await Store.open();
  const config = benchConfig({ baseUrl: sim.baseUrl, login: sim.login, password: sim.password }, slack.apiUrl, SECRET);
  const service = await startService(config, { logger: createLogger('silent'), store, jobs: false });
  // Prompts for the last five days, still open to answers: plenty of trips to click.
  const today = DateTime.now().setZone(config.timezone);
  const days = [5, 4, 3, 2, 1].map((back) => today.minus({ days: back }).toISODate()!);
  for (const day of days) await service.core.dailyRun.run(day);
  const prompts = (await Promise.all(days.map((d) => store.prompts.forDay(d)))).flat().filter((p) => p.status === 'sent');
  const clicks: { user: string; value: string; channel: string; ts: string }[] = [];
  for (const prompt of prompts) {
    const person = await store.people.byId(prompt.person_id!);
    const ref = prompt.message_ref as { channel: string; ts: string };
    const trips = (prompt.trips as { asked: unknown[] }).asked.length;
    for (let i = 0; i < trips && clicks.length < 200; i += 1)
      clicks.push({ user: person!.chat_user_id, value: `ans:${prompt.id}:${i}:${i % 2 ? 'private' : 'professional'}`, channel: ref.channel, ts: ref.ts });
  }
  const durations: number[] = [];
  for (const click of clicks) {
    const payload = {
      type: 'block_actions',
      user: { id: click.user, team_id: 'T_FLEET' },
      team: { id: 'T_FLEET' },
      api_app_id: 'A',
      trigger_id: `t.${click.value}.${Date.now()}`,
      response_url: `${slack.url}/response/x`,
      container: { type: 'message', channel_id: click.channel, message_ts: click.ts, is_ephemeral: false },
      actions: [{ type: 'button', action_id: 'trip_answer:0', value: click.value }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const before = slack.calls.length;
    const started = now();
    await fetch(`${service.url}/slack/events`, { method: 'POST', headers: signed(body), body });
    for (;;) {
      if (now() - started > 30_000) throw new Error(`click ${click.value} not shown as recorded within 30 s`);
      const done = slack.calls
        .slice(before)
        .some((c) => c.method === 'chat.update' && c.args.channel === click.channel && JSON.stringify(c.args.blocks).includes('enregistré à'));
      if (done) break;
      await new Promise((r) => setImmediate(r));
    }
    durations.push(now() - started);
  }
  durations.sort((a, b) => a - b);
  line('clicks', `${durations.length}, one after the other`);
  line('click → Ocean → message updated: p50', `${percentile(durations, 50).toFixed(0)} ms`);
  line('click → Ocean → message updated: p95', `${percentile(durations, 95).toFixed(0)} ms`, '< 300 ms', percentile(durations, 95) < 300);
  line('click → Ocean → message updated: max', `${durations[durations.length - 1]!.toFixed(0)} ms`);
  await service.stop();
  await store.close();
  await slack.stop();
  sim.stop();
}

runBench(main);
