import pino, { type Logger } from 'pino';

/**
 * The logging the core needs: structured fields first, then a message. pino's Logger fits it;
 * tests and benchmarks may pass anything shaped alike. One shape for every layer.
 */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Structured JSON logs. Secrets and private data are redacted wherever they appear in a logged
 * object: tokens, passwords, Slack and Bot Framework secrets, e-mail bodies, trip addresses.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  '*.headers["x-auth-token"]',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers["x-slack-signature"]',
  'botToken',
  'signingSecret',
  'appToken',
  'appPassword',
  '*.botToken',
  '*.signingSecret',
  '*.appToken',
  '*.appPassword',
  'ocean.password',
  'fullAddress',
  '*.fullAddress',
  'address',
  '*.address',
  'posDeb',
  'posFin',
  '*.posDeb',
  '*.posFin',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ocean-privacy-bot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
