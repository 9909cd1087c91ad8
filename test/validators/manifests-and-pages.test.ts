import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { startTestService, type TestService } from '../support/service';
import { plain } from '../support/text';
import { typeErrors } from './typecheck';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { teamsManifest } = require('../../scripts/teams-package.js') as { teamsManifest: (env: Record<string, string>) => Record<string, any> };

const ROOT = path.resolve(__dirname, '../..');
/*
 * Microsoft's validator, in a plain Node process: @microsoft/app-manifest loads ES modules
 * (strip-bom) that jest's CommonJS loader cannot require.
 */
function teamsSchemaErrors(manifest: unknown): string[] {
  const script =
    "require('@microsoft/app-manifest').AppManifestUtils.validateAgainstSchema(JSON.parse(require('fs').readFileSync(0, 'utf8'))).then((e) => process.stdout.write(JSON.stringify(e)))";
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, input: JSON.stringify(manifest) }).toString('utf8')) as string[];
}

const ENV = { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', PUBLIC_URL: 'https://bot.example.com' };

describe('the Slack manifest', () => {
  const manifest = parseYaml(fs.readFileSync(path.join(ROOT, 'manifest/slack/manifest.yml'), 'utf8')) as Record<string, any>;

  it("type-checks against @slack/web-api's manifest type", () => {
    expect(
      typeErrors(
        ["import type { AppsManifestValidateArguments } from '@slack/web-api';"],
        [{ label: 'manifest.yml', type: "AppsManifestValidateArguments['manifest']", value: manifest }],
      ),
    ).toEqual([]);
  });

  it('keeps to what that type documents: a bot display name of a-z, 0-9, -, _ and . only, the human name kept for display', () => {
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    expect(manifest.display_information.name).toBe('Vie privée Ocean');
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
    for (const command of manifest.features.slash_commands) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(2000);
      expect(command.usage_hint.length).toBeLessThanOrEqual(1000);
      expect(command.url).toMatch(/^https:\/\//);
    }
  });
});

describe('the Teams package', () => {
  it("passes Microsoft's manifest schema 1.19, as shipped in @microsoft/app-manifest", () => {
    const manifest = teamsManifest(ENV);
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json');
    expect(teamsSchemaErrors(manifest)).toEqual([]);
    expect(teamsSchemaErrors({ ...manifest, name: { short: 'x'.repeat(31), full: 'x' } })).toEqual([
      '/name/short must NOT have more than 30 characters. Details: {"limit":30}',
    ]);
  });

  it("links to real HTTPS pages for its privacy policy, terms of use and website: the service's own by default", () => {
    expect(teamsManifest(ENV).developer).toMatchObject({
      privacyUrl: 'https://bot.example.com/privacy',
      termsOfUseUrl: 'https://bot.example.com/terms',
      websiteUrl: 'https://bot.example.com/about',
    });
  });

  it("uses an organisation's own pages when PRIVACY_URL, TERMS_URL and WEBSITE_URL are set, and refuses http", () => {
    const own = {
      ...ENV,
      PRIVACY_URL: 'https://fleet.example.org/vie-privee',
      TERMS_URL: 'https://fleet.example.org/cgu',
      WEBSITE_URL: 'https://fleet.example.org',
    };
    expect(teamsManifest(own).developer).toMatchObject({ privacyUrl: own.PRIVACY_URL, termsOfUseUrl: own.TERMS_URL, websiteUrl: own.WEBSITE_URL });
    expect(() => teamsManifest({ ...ENV, PRIVACY_URL: 'http://fleet.example.org/p' })).toThrow('PRIVACY_URL must be an https:// URL');
    expect(loadConfig({ PRIVACY_URL: 'https://fleet.example.org/p', PUBLIC_URL: 'https://bot.example.com' })).toMatchObject({
      privacyUrl: 'https://fleet.example.org/p',
      termsUrl: 'https://bot.example.com/terms',
      websiteUrl: 'https://bot.example.com/about',
    });
    expect(() => loadConfig({ TERMS_URL: 'http://fleet.example.org/t' })).toThrow('TERMS_URL must be the https URL of your terms of use');
  });

  it('has an outline icon of pure white on fully transparent pixels, with no padding around the symbol', () => {
    const icon = PNG.sync.read(fs.readFileSync(path.join(ROOT, 'manifest/teams/outline.png')));
    expect([icon.width, icon.height]).toEqual([32, 32]);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < icon.data.length; i += 4) {
      const [r, g, b, a] = [icon.data[i], icon.data[i + 1], icon.data[i + 2], icon.data[i + 3]];
      expect(a === 0 || (a === 255 && r === 255 && g === 255 && b === 255)).toBe(true);
      if (a) {
        xs.push((i / 4) % 32);
        ys.push(Math.floor(i / 4 / 32));
      }
    }
    const spans = [Math.max(...xs) - Math.min(...xs) + 1, Math.max(...ys) - Math.min(...ys) + 1];
    expect(Math.max(...spans)).toBe(32);
  });

  it('has a colour icon whose symbol stays inside the central 96×96, clear of the 48 pixels Teams crops', () => {
    const icon = PNG.sync.read(fs.readFileSync(path.join(ROOT, 'manifest/teams/color.png')));
    expect([icon.width, icon.height]).toEqual([192, 192]);
    const background = icon.data.subarray(0, 4).toString('hex');
    let symbol = 0;
    for (let i = 0; i < icon.data.length; i += 4) {
      if (icon.data.subarray(i, i + 4).toString('hex') === background) continue;
      symbol += 1;
      const [x, y] = [(i / 4) % 192, Math.floor(i / 4 / 192)];
      expect(x >= 48 && x < 144 && y >= 48 && y < 144).toBe(true);
    }
    expect(icon.data[3]).toBe(255); // a solid square background
    expect(symbol).toBeGreaterThan((96 * 96) / 4);
  });
});

describe('the public pages the Teams app links to', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false, teams: false });
  });
  afterAll(() => t.stop());

  async function page(pathname: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.url}${pathname}`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }

  it('the privacy policy says what is kept, for how long, who sees what and whom to contact, in French by default', async () => {
    const fr = await page('/privacy');
    expect(fr).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    for (const heading of ['Ce que le bot conserve', 'Combien de temps', 'Qui voit quoi', 'Contact']) expect(fr.text).toContain(heading);
    expect(plain(fr.text)).toContain('effacés 400 jours');
  });

  it("each page is in English too, by ?lang=en or by the browser's language", async () => {
    const en = await page('/privacy?lang=en');
    for (const heading of ['What the bot keeps', 'For how long', 'Who sees what', 'Contact']) expect(en.text).toContain(heading);
    expect((await page('/terms', { 'accept-language': 'en-GB,en;q=0.8' })).text).toContain('<h1>Terms of use</h1>');
    expect((await page('/terms')).text).toContain('<h1>Conditions d&#39;utilisation</h1>');
    expect((await page('/about?lang=en')).text).toContain('<h1>Ocean privacy bot</h1>');
    expect((await page('/about')).status).toBe(200);
  });
});
