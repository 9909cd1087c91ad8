/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Service } from '../../adapters/service';
import { loadConfig } from '../../src/config';
import { boot } from '../../src/main';
import { yesterday } from '../../src/ocean/dates';
import { RECURRING_PRIVATE_INDEXES, SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import { copyTemplateInto } from '../support/test-store';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available) console.warn(`Browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

(available ? describe : describe.skip)('the sandbox in a real browser', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-sandbox-'));
    await copyTemplateInto(dataDir);
    service = await boot(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    fs.mkdirSync(SHOTS, { recursive: true });
    console.log(`Screenshots of the sandbox browser test: ${SHOTS}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a driver gets today\'s prompt, clicks "private" on a trip and sees it recorded; a manager sees the report with its chart', async () => {
    const sim = service.simulator!;
    const day = yesterday(new Date(), 'Europe/Paris');
    const skip = new Set<number>([0, ...RECURRING_PRIVATE_INDEXES, ...SHARED_VEHICLE_INDEXES, 6, 7, 12, 19, 25]);
    // Two trips at least: the overview below answers the one left after the first is answered (on a
    // weekend the first drivers often make one trip only).
    const driver = sim.fleet.drivers.find((d) => !skip.has(d.index) && d.vehicleId && sim.fleet.trips(d.vehicleId, day, 'Europe/Paris').length >= 2);
    expect(driver).toBeDefined();

    await page.goto(`${service.url}/`);
    const conversation = page.getByTestId('conversation');
    // The button says whom it sends to; the page sends the reader to yesterday's report after answering.
    await page.getByRole('button', { name: 'Envoyer les messages du jour à tous les conducteurs' }).waitFor();
    expect(await page.locator('ul.hint').textContent()).toContain('privacy-report hier');
    await page.getByLabel('Personne').selectOption(driver!.email!);
    // A first conversation opens with a welcome that says what to try.
    await conversation.filter({ hasText: 'Bienvenue' }).filter({ hasText: 'À essayer' }).waitFor();
    await page.getByRole('button', { name: 'Envoyer les messages du jour' }).click();
    await page.getByTestId('prompts-result').filter({ hasText: 'envoyé' }).waitFor();
    const trip = conversation.getByTestId('trip').first();
    await trip.waitFor();
    await page.screenshot({ path: path.join(SHOTS, '1-driver-prompt.png'), fullPage: true });
    await trip.getByRole('button', { name: 'Privé' }).click();
    await conversation
      .getByTestId('trip-status')
      .first()
      .filter({ hasText: /Privé — (enregistrement|enregistré)/ })
      .waitFor();
    await conversation.getByTestId('trip-status').first().filter({ hasText: 'enregistré à' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, '2-driver-recorded.png'), fullPage: true });
    expect([...sim.state.tripMarks.values()]).toContain(true);

    // "privacy" shows one overview of the open days; answering there confirms in the daily message.
    await page.getByLabel('Commande').fill('privacy');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    expect(await page.getByLabel('Commande').inputValue()).toBe('');
    const shown = conversation.locator('article').filter({ has: page.getByTestId('trip') });
    await shown.nth(1).waitFor();
    const overview = shown.last();
    // The overview lists the trips still without an answer: the first is the daily message's second.
    await overview.getByTestId('trip').first().getByRole('button', { name: 'Professionnel' }).click();
    await shown.first().getByTestId('trip-status').nth(1).filter({ hasText: 'enregistré à' }).waitFor({ timeout: 10_000 });
    // The conversation reads top to bottom: what was typed comes before the answer to it.
    const order = await conversation
      .locator(':scope > *')
      .evaluateAll((nodes) => nodes.map((n) => (n.classList.contains('mine') ? `> ${n.textContent}` : 'bot')));
    expect(order.indexOf('> privacy')).toBeLessThan(order.length - 1);
    expect(order.indexOf('> privacy')).toBeGreaterThan(0);

    // Keyboard only: the schedule form opens and its fields are labelled.
    await page.getByLabel('Commande').focus();
    await page.keyboard.type('privacy schedule');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Modifier' }).last().click();
    await page.getByLabel('Lundi').waitFor();
    await page.screenshot({ path: path.join(SHOTS, '3-schedule-form.png'), fullPage: true });
    await page.keyboard.press('Escape');

    await page.getByLabel('Personne').selectOption(sim.fleet.byIndex(0).email!);
    await page.getByLabel('Commande').fill('privacy-report last-month by vehicle');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const chart = conversation.getByTestId('chart');
    await chart.waitFor({ timeout: 20_000 });
    expect(await chart.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(600);
    const csv = await page.getByTestId('csv').first().getAttribute('href');
    const download = await fetch(`${service.url}${csv}`);
    expect(download.headers.get('content-disposition')).toMatch(/vie-privee-\d{4}-\d{2}-par-vehicule\.csv/);
    await page.screenshot({ path: path.join(SHOTS, '4-manager-report.png'), fullPage: true });

    // The page has an icon, and the conversation is still there after a reload.
    expect((await fetch(`${service.url}/favicon.ico`)).status).toBe(200);
    await page.reload();
    await conversation.getByTestId('chart').waitFor();

    // A phone-sized window keeps everything reachable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, '5-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
  }, 90_000);
});
