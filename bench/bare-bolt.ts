import http from 'node:http';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';

/** The floor of the acknowledgement benchmark: a Bolt app that verifies, parses and acks, nothing else. */
const app = express();
const receiver = new ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '', app, logLevel: LogLevel.ERROR });
const bolt = new App({ receiver, token: 'xoxb-bare', tokenVerificationEnabled: false, botId: 'B', botUserId: 'U_BOT', logLevel: LogLevel.ERROR });
bolt.command('/privacy-report', async ({ ack }) => {
  await ack();
});
http.createServer(app).listen(Number(process.env.PORT), '127.0.0.1');
