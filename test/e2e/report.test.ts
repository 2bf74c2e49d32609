/**
 * The sweep report as a person sees it: report.html opened in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core; no browser download).
 * Skipped, with a message, only where Chromium is not installed; CI installs it.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvParse } from 'd3-dsv';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/runner.js';
import { read, smallSpec, tmp } from '../sweep/helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
if (!existsSync(CHROMIUM)) console.warn(`report e2e test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI installs it)`);

describe.skipIf(!existsSync(CHROMIUM))('report.html in headless Chromium', () => {
  it('shows the summary, one plot per Pareto pair with every design drawn, and the front tables', async () => {
    const spec = smallSpec({ pareto: [{ x: 'seconds', y: 'energy_pj' }, { x: 'cycles', y: 'gflops_per_w' }], axes: { 'array.rows': [8, 16, 32], dataflow: ['os', 'ws', 'is'] } });
    const out = await runSweep(spec, { outDir: tmp(), threads: 2 });
    const rows = csvParse(read(join(out.dir, 'sweep.csv')));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(out.analysis!.report).href);
      expect(await page.title()).toBe('cyclops sweep: small');
      expect(await page.textContent('#ok-count')).toBe(String(rows.length));
      const figures = page.locator('figure.pareto');
      expect(await figures.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        const fig = figures.nth(i);
        const front = Number(await fig.getAttribute('data-front-points'));
        expect(front).toBe(out.analysis!.fronts[i]!.rows.length);
        // Every design in grey, the front again in red: one symbol each.
        expect(await fig.locator('g.mark-symbol path').count()).toBe(rows.length + front);
        // One panel per workload, each with its title.
        for (const w of ['lenet5', 'lenet-300-100']) expect(await fig.locator('svg text', { hasText: w }).count()).toBeGreaterThan(0);
        const box = await fig.locator('svg').first().boundingBox();
        expect(box!.width).toBeGreaterThan(600);
        expect(box!.height).toBeGreaterThan(250);
      }
      // Front tables list the front designs.
      expect(await page.locator('section table').nth(0).locator('tbody tr').count()).toBe(out.analysis!.fronts[0]!.rows.length);
      const shot = join(out.dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
