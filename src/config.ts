import { DateTime } from 'luxon';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import type { Locale } from './domain';

/*
 * Every variable of INTERFACE.md, parsed once into one typed config. A bad or missing value
 * stops the start with one line naming the variable and what it expects.
 */

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      if (/^(true|1|yes)$/i.test(v.trim())) return true;
      if (/^(false|0|no)$/i.test(v.trim())) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

const cron = (fallback: string, allowOff: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v?.trim() || fallback;
      if (allowOff && value.toLowerCase() === 'off') return null;
      if (!validateCron(value)) {
        ctx.addIssue({ code: 'custom', message: `must be a cron expression such as "${fallback}"${allowOff ? ' or "off"' : ''}` });
        return z.NEVER;
      }
      return value;
    });

const EnvSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int('must be a whole number').min(0).max(65535).default(3978),
  OCEAN_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://v3.oceansystem.com/ocean/restapi' }).optional()),
  OCEAN_LOGIN: optionalText,
  OCEAN_PASSWORD: optionalText,
  OCEAN_CUSTOMER_ID: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional()),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).optional()),
  TEAMS_EMULATOR: optionalText,
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be the http(s) URL where this service is reached, such as https://bot.example.com' }).optional()),
  DATABASE_URL: optionalText.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  DATA_DIR: optionalText.transform((v) => v ?? './data'),
  TIMEZONE: optionalText.transform((v, ctx) => {
    const zone = v ?? 'Europe/Paris';
    if (!DateTime.local().setZone(zone).isValid) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Paris' });
      return z.NEVER;
    }
    return zone;
  }),
  DAILY_PROMPT_CRON: cron('30 8 * * *', false),
  REMINDER_CRON: cron('0 16 * * *', true),
  DAILY_CLAIM_LEASE_SECONDS: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number).optional()),
  MANAGER_EMAILS: optionalText.transform((v, ctx) => {
    const emails = (v ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
    const bad = emails.find((e) => !z.email().safeParse(e).success);
    if (bad) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated e-mail addresses ("${bad}" is not one)` });
      return z.NEVER;
    }
    return emails;
  }),
  DEFAULT_LOCALE: optionalText.pipe(z.enum(['fr', 'en'], { message: 'must be fr or en' }).optional()).transform((v) => v ?? 'fr'),
  PRIVACY_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your privacy policy' }).optional()),
  TERMS_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your terms of use' }).optional()),
  WEBSITE_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your website' }).optional()),
  LOG_LEVEL: optionalText
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).optional())
    .transform((v) => v ?? 'info'),
});


export interface Config {
  port: number;
  sandbox: boolean;
  ocean: { baseUrl: string | undefined; login: string; password: string; customerId: number | undefined };
  slack: { botToken: string; signingSecret: string; appToken: string | undefined; apiUrl: string | undefined } | null;
  teams: { appId: string | undefined; appPassword: string | undefined; tenantId: string | undefined; appType: string; emulator: boolean } | null;
  /** Where users' browsers reach this service (links to report files in Teams). */
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  timezone: string;
  dailyPromptCron: string;
  reminderCron: string | null;
  /** How long an unsent prompt claim holds before another run may take it over (a crashed worker). */
  dailyClaimLeaseMs: number;
  managerEmails: string[];
  defaultLocale: Locale;
  logLevel: string;
  /** The Teams app's privacy policy, terms of use and website: the service's own pages unless set. */
  privacyUrl?: string;
  termsUrl?: string;
  websiteUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly expectation: string) {
    super(`${variable} ${expectation}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment; throws a ConfigError whose message is one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const given = env[variable];
    const shown = variable.match(/PASSWORD|SECRET|TOKEN/) || given === undefined ? '' : ` (got "${given.slice(0, 60)}")`;
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = parsed.data;
  const requireTogether = (names: (keyof typeof e)[]) => {
    const set = names.filter((n) => e[n] !== undefined);
    if (set.length && set.length < names.length) {
      const missing = names.find((n) => e[n] === undefined) as string;
      throw new ConfigError(missing, `is required when ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`);
    }
  };
  requireTogether(['OCEAN_LOGIN', 'OCEAN_PASSWORD']);
  requireTogether(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_APP_TOKEN is set');
  if (e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_PASSWORD && e.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
    throw new ConfigError('MICROSOFT_APP_PASSWORD', 'is required when MICROSOFT_APP_ID is set');
  }
  if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) {
    throw new ConfigError('MICROSOFT_APP_TENANT_ID', 'is required when MICROSOFT_APP_TYPE is SingleTenant');
  }
  // Sandbox mode: no Ocean credentials. The simulator then stands in for Ocean.
  const sandbox = !e.OCEAN_LOGIN;
  const emulatorSetting = bool(sandbox).safeParse(e.TEAMS_EMULATOR);
  if (!emulatorSetting.success) throw new ConfigError('TEAMS_EMULATOR', 'must be true or false');
  const teamsOn = Boolean(e.MICROSOFT_APP_ID) || emulatorSetting.data;
  return {
    port: e.PORT,
    sandbox,
    ocean: {
      baseUrl: e.OCEAN_BASE_URL ?? (sandbox ? undefined : 'https://v3.oceansystem.com/ocean/restapi'),
      login: e.OCEAN_LOGIN ?? '',
      password: e.OCEAN_PASSWORD ?? '',
      customerId: e.OCEAN_CUSTOMER_ID,
    },
    slack: e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL } : null,
    teams: teamsOn
      ? {
          appId: e.MICROSOFT_APP_ID,
          appPassword: e.MICROSOFT_APP_PASSWORD,
          tenantId: e.MICROSOFT_APP_TENANT_ID,
          appType: e.MICROSOFT_APP_TYPE ?? 'MultiTenant',
          emulator: !e.MICROSOFT_APP_ID && emulatorSetting.data,
        }
      : null,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    timezone: e.TIMEZONE,
    dailyPromptCron: e.DAILY_PROMPT_CRON as string,
    reminderCron: e.REMINDER_CRON,
    dailyClaimLeaseMs: (e.DAILY_CLAIM_LEASE_SECONDS ?? 300) * 1000,
    managerEmails: e.MANAGER_EMAILS,
    defaultLocale: e.DEFAULT_LOCALE as Locale,
    logLevel: e.LOG_LEVEL,
    privacyUrl: e.PRIVACY_URL ?? ownPage(e, '/privacy'),
    termsUrl: e.TERMS_URL ?? ownPage(e, '/terms'),
    websiteUrl: e.WEBSITE_URL ?? ownPage(e, '/about'),
  };
}

/** One of the service's public pages (adapters/pages.ts) on PUBLIC_URL. */
function ownPage(e: { PUBLIC_URL?: string; PORT: number }, path: string): string {
  return `${(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')}${path}`;
}
