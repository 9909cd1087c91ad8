import { DateTime } from 'luxon';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { type Locale, type ManagerSetting, type UnitRef, unitKind, unitRef } from './domain';
import type { TripTimesReading } from './ocean/trip-times';
import { SSL_MODES, sslSettings } from './store/tls';

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
  OCEAN_BASE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://v3.oceansystem.com/ocean/restapi' }).optional(),
  ),
  OCEAN_LOGIN: optionalText,
  OCEAN_PASSWORD: optionalText,
  OCEAN_CUSTOMER_ID: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional()),
  OCEAN_CODE_EXPLOITANT: optionalText.pipe(
    z
      .string()
      .regex(/^[\w-]{1,50}$/, "must be the customer's operator code from Ocean, such as 1110000001")
      .optional(),
  ),
  OCEAN_TRIP_TIMES: optionalText.pipe(z.enum(['utc', 'fleet'], { message: 'must be utc or fleet (how Ocean writes trip times; see the README)' }).optional()),
  OCEAN_PRIVATE_KEYS: optionalText.transform(keyList),
  OCEAN_PROFESSIONAL_KEYS: optionalText.transform(keyList),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: optionalText.pipe(
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).optional(),
  ),
  TEAMS_EMULATOR: optionalText,
  TEAMS_TENANTS: optionalText.transform((v) =>
    (v ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ),
  TEAMS_INSTALL_WELCOME: optionalText.pipe(z.enum(['once', 'off'], { message: 'must be once or off' }).optional()),
  TEAMS_INSTALL_FOR_DRIVERS: bool(false),
  TEAMS_APP_CATALOG_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w-]{1,100}$/, "must be the app's id in your organisation's Teams catalogue (see docs/deployment.md)")
      .optional(),
  ),
  GRAPH_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://graph.microsoft.com/v1.0' }).optional()),
  MICROSOFT_LOGIN_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://login.microsoftonline.com' }).optional(),
  ),
  TEAMS_SERVICE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://smba.trafficmanager.net/teams/' }).optional(),
  ),
  PUBLIC_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: 'must be the http(s) URL where this service is reached, such as https://bot.example.com' }).optional(),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .refine(
        (v) => URL.canParse(v),
        'must be a postgres:// URL such as postgres://user:password@host:5432/db (special characters in the password percent-encoded)',
      )
      .refine((v) => !URL.canParse(v) || SSL_MODES.includes(sslSettings(v).mode as never), `has an unknown sslmode: use one of ${SSL_MODES.join(', ')}`)
      .refine(
        (v) => !URL.canParse(v) || sslSettings(v).mode !== 'verify-ca' || sslSettings(v).rootCert !== undefined,
        'has sslmode=verify-ca without sslrootcert=<CA file>: name the CA, or use verify-full',
      )
      .optional(),
  ),
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
  WEEKLY_REPORT_CRON: cron('0 9 * * 1', true),
  // A channel id as Slack shows it (channel details, or the end of the channel's link): C… or G….
  SLACK_REPORT_CHANNEL: optionalText.pipe(
    z
      .string()
      .regex(/^[CG][A-Z0-9]{6,20}$/, "must be a Slack channel id such as C0123456789 (in the channel's details), not its name")
      .optional(),
  ),
  ANSWER_DEADLINE_DAYS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1 day (drivers are asked the morning after)').max(60, 'must be at most 60 days'))
      .optional(),
  ),
  DAILY_CLAIM_LEASE_SECONDS: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number).optional()),
  MANAGER_EMAILS: optionalText.transform((v, ctx) => {
    const emails = (v ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const bad = emails.find((e) => !z.email().safeParse(e).success);
    if (bad) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated e-mail addresses ("${bad}" is not one)` });
      return z.NEVER;
    }
    return emails;
  }),
  MANAGERS: optionalText.transform((v, ctx) => {
    try {
      return parseManagers(v ?? '');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  DEFAULT_LOCALE: optionalText.pipe(z.enum(['fr', 'en'], { message: 'must be fr or en' }).optional()).transform((v) => v ?? 'fr'),
  RETENTION_DAYS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of days')
      .transform(Number)
      .pipe(z.number().min(30, 'must be at least 30 days (answers are delivered and reported within a month)'))
      .optional(),
  ),
  PRIVACY_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your privacy policy' }).optional()),
  TERMS_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your terms of use' }).optional()),
  WEBSITE_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be the https URL of your website' }).optional()),
  LOG_LEVEL: optionalText
    .pipe(
      z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' })
        .optional(),
    )
    .transform((v) => v ?? 'info'),
  ALLOW_EPHEMERAL_STORE: bool(false),
  PGSSLMODE: optionalText.pipe(z.enum(SSL_MODES, { message: `must be one of ${SSL_MODES.join(', ')}` }).optional()),
});

/** Every variable the configuration reads (README's table and .env.example document each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  port: number;
  sandbox: boolean;
  ocean: {
    baseUrl: string | undefined;
    login: string;
    password: string;
    customerId: number | undefined;
    /** Sent as `codeExploitant` on every retroactive request. */
    codeExploitant?: string;
    /** How a daily record's trip times are read: UTC (when unset), or the fleet's TIMEZONE. */
    tripTimes?: TripTimesReading;
    /** Keys of the analysis' `*ByPeriodMap` maps read as private / professional; unset: the built-in guesses. */
    privateKeys?: string[];
    professionalKeys?: string[];
  };
  /** Slack over HTTP (signing secret) or Socket Mode (app-level token, no signing secret needed). */
  slack: { botToken: string; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string | undefined } | null;
  /** `tenants`: the Microsoft tenants whose users are served (empty: any, only without an app id). */
  teams: {
    appId: string | undefined;
    appPassword: string | undefined;
    tenantId: string | undefined;
    appType: string;
    emulator: boolean;
    tenants: string[];
    /** One welcome when the app is installed for someone (by them, an administrator or the bot), or none. */
    installWelcome?: 'once' | 'off';
    /** The Bot Connector for chats the bot opened itself, until a conversation in the tenant gives its own. */
    serviceUrl?: string;
    /** Installing the app for drivers through Microsoft Graph (TEAMS_INSTALL_FOR_DRIVERS); null: off. */
    install?: TeamsInstallSettings | null;
  } | null;
  /** Where users' browsers reach this service (links to report files in Teams). */
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  timezone: string;
  dailyPromptCron: string;
  reminderCron: string | null;
  /** When last week's digest goes to the managers (and the report channels); null: never. */
  weeklyReportCron: string | null;
  /** A Slack channel that gets the weekly digest too (opt-in: every member sees per-driver totals). */
  slackReportChannel?: string;
  /** A day's trips can be answered until the end of the day this many days later; then they stay as Ocean has them. */
  answerDeadlineDays: number;
  /** How long an unsent prompt claim holds before another run may take it over (a crashed worker). */
  dailyClaimLeaseMs: number;
  /** MANAGER_EMAILS: managers of the whole fleet. */
  managerEmails: string[];
  /** MANAGERS: managers with their scope (the whole fleet, or Ocean entities and groups). */
  managers?: ManagerSetting[];
  defaultLocale: Locale;
  /** Trip details, answers and prompts older than this many days are purged. */
  retentionDays: number;
  logLevel: string;
  /** Start with the embedded store even on a platform whose disk is thrown away at restart. */
  allowEphemeralStore?: boolean;
  /** The Teams app's privacy policy, terms of use and website: the service's own pages unless set. */
  privacyUrl?: string;
  termsUrl?: string;
  websiteUrl?: string;
}

export interface TeamsInstallSettings {
  /** The bot's Entra app registration and its secret: client credentials for Graph. */
  clientId: string;
  clientSecret: string;
  /** The app's id in the organisation's catalogue (TEAMS_APP_CATALOG_ID). */
  teamsAppId: string;
  graphUrl: string;
  loginUrl: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expectation: string,
  ) {
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
    // MANAGERS' messages quote the entry that is wrong themselves.
    const shown =
      /PASSWORD|SECRET|TOKEN|KEY/.test(variable) || variable === 'MANAGERS' || given === undefined ? '' : ` (got "${withoutSecrets(given).slice(0, 60)}")`;
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
  // Socket Mode needs no signing secret: Slack's requests come over the app's own connection.
  if (!e.SLACK_APP_TOKEN) requireTogether(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_APP_TOKEN is set');
  // Azure creates single-tenant bots (or user-assigned managed identities) since July 2025;
  // MultiTenant stays for bots created before.
  const appType = e.MICROSOFT_APP_TYPE ?? 'SingleTenant';
  if (e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_PASSWORD && appType !== 'UserAssignedMSI') {
    throw new ConfigError('MICROSOFT_APP_PASSWORD', 'is required when MICROSOFT_APP_ID is set');
  }
  if (e.MICROSOFT_APP_ID && appType !== 'MultiTenant' && !e.MICROSOFT_APP_TENANT_ID) {
    throw new ConfigError('MICROSOFT_APP_TENANT_ID', `is required when MICROSOFT_APP_TYPE is ${appType}${e.MICROSOFT_APP_TYPE ? '' : ' (the default)'}`);
  }
  const both = e.OCEAN_PRIVATE_KEYS?.find((k) => e.OCEAN_PROFESSIONAL_KEYS?.includes(k));
  if (both) throw new ConfigError('OCEAN_PROFESSIONAL_KEYS', `must not repeat a key of OCEAN_PRIVATE_KEYS ("${both}" is in both)`);
  const twice = e.MANAGERS.find((m) => e.MANAGER_EMAILS.includes(m.email));
  if (twice) throw new ConfigError('MANAGERS', `names ${twice.email}, who is in MANAGER_EMAILS too (the whole fleet): name each manager once`);
  const tenants = e.TEAMS_TENANTS.length ? e.TEAMS_TENANTS : e.MICROSOFT_APP_TENANT_ID ? [e.MICROSOFT_APP_TENANT_ID] : [];
  if (e.MICROSOFT_APP_ID && !tenants.length) {
    throw new ConfigError(
      'TEAMS_TENANTS',
      'is required when MICROSOFT_APP_ID is set without MICROSOFT_APP_TENANT_ID: the Microsoft tenant ids whose users the bot serves, comma-separated',
    );
  }
  // Sandbox mode: no Ocean credentials. The simulator then stands in for Ocean.
  const sandbox = !e.OCEAN_LOGIN;
  const emulatorSetting = bool(sandbox).safeParse(e.TEAMS_EMULATOR);
  if (!emulatorSetting.success) throw new ConfigError('TEAMS_EMULATOR', 'must be true or false');
  const teamsOn = Boolean(e.MICROSOFT_APP_ID) || emulatorSetting.data;
  // Microsoft's endpoints over plain http only on loopback (fakes in tests); anything else is a mistake.
  for (const name of ['GRAPH_API_URL', 'MICROSOFT_LOGIN_URL'] as const) {
    const url = e[name];
    if (url && new URL(url).protocol === 'http:' && !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(url).hostname)) {
      throw new ConfigError(name, 'must be an https URL (plain http is for a fake on 127.0.0.1 only)');
    }
  }
  let install: TeamsInstallSettings | null = null;
  if (e.TEAMS_INSTALL_FOR_DRIVERS) {
    if (!e.MICROSOFT_APP_ID)
      throw new ConfigError('MICROSOFT_APP_ID', 'is required when TEAMS_INSTALL_FOR_DRIVERS is true (the app registration that installs the app)');
    if (!e.MICROSOFT_APP_PASSWORD)
      throw new ConfigError('MICROSOFT_APP_PASSWORD', 'is required when TEAMS_INSTALL_FOR_DRIVERS is true (client credentials for Microsoft Graph)');
    if (!e.TEAMS_APP_CATALOG_ID)
      throw new ConfigError('TEAMS_APP_CATALOG_ID', "is required when TEAMS_INSTALL_FOR_DRIVERS is true: the app's id in your organisation's Teams catalogue");
    install = {
      clientId: e.MICROSOFT_APP_ID,
      clientSecret: e.MICROSOFT_APP_PASSWORD,
      teamsAppId: e.TEAMS_APP_CATALOG_ID,
      graphUrl: e.GRAPH_API_URL ?? 'https://graph.microsoft.com/v1.0',
      loginUrl: e.MICROSOFT_LOGIN_URL ?? 'https://login.microsoftonline.com',
    };
  }
  return {
    port: e.PORT,
    sandbox,
    ocean: {
      baseUrl: e.OCEAN_BASE_URL ?? (sandbox ? undefined : 'https://v3.oceansystem.com/ocean/restapi'),
      login: e.OCEAN_LOGIN ?? '',
      password: e.OCEAN_PASSWORD ?? '',
      customerId: e.OCEAN_CUSTOMER_ID,
      codeExploitant: e.OCEAN_CODE_EXPLOITANT,
      tripTimes: e.OCEAN_TRIP_TIMES,
      privateKeys: e.OCEAN_PRIVATE_KEYS,
      professionalKeys: e.OCEAN_PROFESSIONAL_KEYS,
    },
    slack:
      e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)
        ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
        : null,
    teams: teamsOn
      ? {
          appId: e.MICROSOFT_APP_ID,
          appPassword: e.MICROSOFT_APP_PASSWORD,
          tenantId: e.MICROSOFT_APP_TENANT_ID,
          appType,
          emulator: !e.MICROSOFT_APP_ID && emulatorSetting.data,
          tenants,
          installWelcome: e.TEAMS_INSTALL_WELCOME ?? 'once',
          serviceUrl: e.TEAMS_SERVICE_URL ?? 'https://smba.trafficmanager.net/teams/',
          install,
        }
      : null,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    timezone: e.TIMEZONE,
    dailyPromptCron: e.DAILY_PROMPT_CRON as string,
    reminderCron: e.REMINDER_CRON,
    weeklyReportCron: e.WEEKLY_REPORT_CRON,
    slackReportChannel: e.SLACK_REPORT_CHANNEL,
    answerDeadlineDays: e.ANSWER_DEADLINE_DAYS ?? 7,
    dailyClaimLeaseMs: (e.DAILY_CLAIM_LEASE_SECONDS ?? 300) * 1000,
    managerEmails: e.MANAGER_EMAILS,
    managers: e.MANAGERS,
    defaultLocale: e.DEFAULT_LOCALE as Locale,
    retentionDays: e.RETENTION_DAYS ?? 400,
    logLevel: e.LOG_LEVEL,
    allowEphemeralStore: e.ALLOW_EPHEMERAL_STORE,
    privacyUrl: e.PRIVACY_URL ?? ownPage(e, '/privacy'),
    termsUrl: e.TERMS_URL ?? ownPage(e, '/terms'),
    websiteUrl: e.WEBSITE_URL ?? ownPage(e, '/about'),
  };
}

/** Comma-separated keys as Ocean writes them (compared in upper case); unset or empty: none given. */
function keyList(value: string | undefined): string[] | undefined {
  const keys = [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((k) => k.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  return keys.length ? keys : undefined;
}

/** One of the service's public pages (adapters/pages.ts) on PUBLIC_URL. */
function ownPage(e: { PUBLIC_URL?: string; PORT: number }, path: string): string {
  return `${(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')}${path}`;
}

/**
 * A value as a configuration error may echo it: the user information of anything URL-like
 * (well-formed or not: everything before the last `@`), a `host:port` whose port is not a
 * number (a password typed where the `@` is missing), and password-like query parameters become
 * `***`. Applied before the echo is shortened, so a cut can never expose part of a secret.
 */
export function withoutSecrets(value: string): string {
  let shown = value.includes('@')
    ? value.replace(/^([a-z][\w+.-]*:\/*)?[\s\S]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`)
    : value.replace(/^([a-z][\w+.-]*:\/*[^/:?#]*):([^/?#]*[^\d/?#][^/?#]*)/i, '$1:***');
  shown = shown.replace(/([?&;\s](?:ssl)?(?:password|passwd|pass|secret|token|key)=)[^&;\s]*/gi, '$1***');
  return shown;
}

/**
 * MANAGERS: `email=scope` separated by `;` (or new lines); a scope is `*` (the whole fleet) or
 * `entity:<id or name>` / `group:<id or name>` separated by `,`. Throws an Error whose message
 * names the part that is wrong and says what is expected.
 */
export function parseManagers(value: string): ManagerSetting[] {
  const managers: ManagerSetting[] = [];
  const seen = new Set<string>();
  for (const part of value.split(/[;\n]/)) {
    const entry = part.trim();
    if (!entry) continue;
    const equals = entry.indexOf('=');
    if (equals < 0) throw new Error(`"${entry}" has no scope: write e-mail=* (whole fleet) or e-mail=entity:<id or name>, group:<id or name>`);
    const email = entry.slice(0, equals).trim().toLowerCase();
    if (!z.email().safeParse(email).success) throw new Error(`"${entry.slice(0, equals).trim()}" is not an e-mail address`);
    if (seen.has(email)) throw new Error(`names ${email} twice: give each manager one entry, their units separated by commas`);
    seen.add(email);
    const scopeText = entry.slice(equals + 1).trim();
    if (scopeText === '*') {
      managers.push({ email, scope: 'fleet' });
      continue;
    }
    const refs: UnitRef[] = [];
    for (const item of scopeText.split(',')) {
      const text = item.trim();
      const colon = text.indexOf(':');
      const kind = colon > 0 ? unitKind(text.slice(0, colon).trim()) : undefined;
      const ref = kind && unitRef(kind, text.slice(colon + 1));
      if (!ref)
        throw new Error(
          `has "${text || scopeText}" in the scope of ${email}: expected * or entity:<Ocean id or name> / group:<Ocean id or name>, separated by commas`,
        );
      refs.push(ref);
    }
    managers.push({ email, scope: refs });
  }
  return managers;
}
