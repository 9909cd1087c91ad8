import express, { type Express, type Request, type Response } from 'express';
import type { Core } from '../src/app';
import type { Locale } from '../src/domain';
import { supportedLocale } from '../src/i18n';
import { frenchTypography } from '../src/i18n/typography';
import { NAV, type PageName, pageText } from './pages-text';

/*
 * The public pages a Teams app must link to (privacy policy, terms of use, website): served by
 * the service itself, in French and English, for organisations without pages of their own
 * (PRIVACY_URL, TERMS_URL and WEBSITE_URL point elsewhere otherwise).
 */

export const PAGE_PATHS: Record<PageName, string> = { about: '/about', privacy: '/privacy', terms: '/terms' };

/** How long trip details, answers and prompts are kept when RETENTION_DAYS is not set. */
const DEFAULT_RETENTION_DAYS = 400;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);
}

/** `?lang=` first, then the browser's languages, then the service's default. */
function chooseLocale(req: Request, fallback: Locale): Locale {
  const asked = supportedLocale(typeof req.query.lang === 'string' ? req.query.lang : undefined);
  if (asked) return asked;
  const accepted = (req.headers['accept-language'] ?? '').split(',').map((part) => supportedLocale(part.split(';')[0]));
  return accepted.find((l): l is Locale => Boolean(l)) ?? fallback;
}

export function renderPage(page: PageName, locale: Locale, retentionDays: number): string {
  const raw = pageText(page, locale, { retentionDays });
  // French pages follow French typography, as the chat does.
  const typeset = locale === 'fr' ? frenchTypography : (line: string) => line;
  const text = {
    ...raw,
    title: typeset(raw.title),
    sections: raw.sections.map((s) => ({ ...s, heading: s.heading && typeset(s.heading), paragraphs: s.paragraphs.map(typeset) })),
  };
  const nav = NAV[locale];
  const links = (Object.keys(PAGE_PATHS) as PageName[])
    .map((p) => (p === page ? `<strong>${html(nav[p])}</strong>` : `<a href="${PAGE_PATHS[p]}?lang=${locale}">${html(nav[p])}</a>`))
    .join(' · ');
  const body = text.sections
    .map((s) => `${s.heading ? `<h2>${html(s.heading)}</h2>\n` : ''}${s.paragraphs.map((p) => `<p>${html(p)}</p>`).join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(text.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}nav{margin-bottom:1.5rem}h1{color:#0b2545}a{color:#0b5cad}</style>
</head>
<body>
<nav>${links} · <a href="${PAGE_PATHS[page]}?lang=${nav.lang}" hreflang="${nav.lang}">${html(nav.other)}</a></nav>
<h1>${html(text.title)}</h1>
${body}
</body>
</html>
`;
}

const EXPIRED_FILE: Record<Locale, { title: string; text: string }> = {
  fr: {
    title: 'Ce fichier n’est plus disponible',
    text: 'Le lien a expiré ou le fichier a été effacé. Demandez le rapport à nouveau dans Slack ou Teams (privacy-report).',
  },
  en: {
    title: 'This file is no longer available',
    text: 'The link has expired or the file was erased. Ask for the report again in Slack or Teams (privacy-report).',
  },
};

/** What a report file's link shows once the file is gone: a page in the reader's language, not a bare 404. */
export function sendFileGone(req: Request, res: Response, fallback: Locale): void {
  const locale = chooseLocale(req, fallback);
  const words = EXPIRED_FILE[locale];
  res.status(404);
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('cache-control', 'no-store');
  res.send(`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(words.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}h1{color:#0b2545}</style></head>
<body><h1>${html(words.title)}</h1><p>${html(words.text)}</p></body>
</html>
`);
}

export function mountPages(app: Express, core: Core): void {
  // RETENTION_DAYS is read by the configuration when the store's purge is configured.
  const retentionDays = (core.config as { retentionDays?: number }).retentionDays ?? DEFAULT_RETENTION_DAYS;
  const router = express.Router();
  for (const page of Object.keys(PAGE_PATHS) as PageName[]) {
    router.get(PAGE_PATHS[page], (req: Request, res: Response) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.setHeader('cache-control', 'public, max-age=3600');
      res.setHeader('vary', 'accept-language');
      res.send(renderPage(page, chooseLocale(req, core.config.defaultLocale), retentionDays));
    });
  }
  app.use(router);
}
