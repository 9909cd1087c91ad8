import { App, LogLevel } from '@slack/bolt';

/**
 * The floor of the acknowledgement benchmark: the barest Bolt app, on Bolt's default receiver
 * (HTTPReceiver, no Express), that verifies, parses and acks, nothing else.
 */
const bolt = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  token: 'xoxb-bare',
  tokenVerificationEnabled: false,
  botId: 'B',
  botUserId: 'U_BOT',
  logLevel: LogLevel.ERROR,
});
bolt.command(/^\/(privacy|privacy-report)$/, async ({ ack }) => {
  await ack();
});
// The benchmark sees it is up when GET /healthz gets an answer (a 404 here).
void bolt.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
// Exit on SIGTERM like the bot does (so BENCH_PROFILE can write this process's profile too).
process.on('SIGTERM', () => process.exit(0));
