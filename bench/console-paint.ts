/**
 * The console's first paint at scale: a controller with 50 studios × 10 slots (1,000 registered
 * devices, their agents not connected, so every tile has something to say), and Debian's chromium
 * opening the wall. Measured from the browser's navigation start to every tile in the DOM, on a
 * page that is already logged in (the session cookie), over loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { stringify } from 'yaml';
import { startControllerWithHttp } from '../controller/http/attach.ts';
import { parseControllerConfig } from '../controller/config.ts';
import { systemClock } from '../lib/clock.ts';
import { silentLogger } from '../lib/logger.ts';
import { registerStudio, type SetupDevice, type SetupSlot } from '../studio-harness/catalog-setup.ts';
import { summarize, type Summary } from './stats.ts';

export const CHROMIUM = process.env.ONAIR_CHROMIUM ?? '/usr/bin/chromium';
/** Without these chromium keeps reaching for Google's services from a machine with no internet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsolePaintResult {
  studios: number;
  slotsPerStudio: number;
  /** Navigation start → every slot tile in the DOM and painted (the frame after). */
  firstPaintMs: Summary;
  /** Bytes of the first live-feed status (the whole picture the page renders from). */
  statusBytes: number;
  tiles: number;
}

export async function measureConsolePaint(o: { studios: number; slotsPerStudio: number; runs: number }): Promise<ConsolePaintResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-console-bench-'));
  const config = parseControllerConfig(
    stringify({
      broker: { embedded: true, port: 0, host: '127.0.0.1', allowAnonymous: false },
      http: { port: 0, host: '127.0.0.1' },
      dataDir: path.join(dir, 'data'),
    }),
    '(console bench)',
  );
  const controller = await startControllerWithHttp({ config, clock: systemClock, log: silentLogger() });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    // Registration goes as a controller peer (no per-user rate limit); the page logs in as a person.
    const rig = new URL(controller.brokerUrl);
    rig.username = encodeURIComponent('controller/bench-rig');
    rig.password = await controller.identities.enrollController('bench-rig');
    const password = randomBytes(18).toString('base64url');
    await controller.identities.addUser('bench', 'engineer', password);
    const devices: SetupDevice[] = [];
    const slots: SetupSlot[] = [];
    for (let s = 1; s <= o.studios; s += 1) {
      const studio = `studio-${String(s).padStart(2, '0')}`;
      for (let n = 1; n <= o.slotsPerStudio; n += 1) {
        const [primary, backup] = [`cam-${s}-${n}-a`, `cam-${s}-${n}-b`];
        devices.push(
          { agent: `agent-${s}a`, device: primary, profile: 'simulated-camera', studio },
          { agent: `agent-${s}b`, device: backup, profile: 'simulated-camera', studio },
        );
        slots.push({
          id: `${studio}/cam-${n}`,
          primary: `agent-${s}a/${primary}`,
          backups: [`agent-${s}b/${backup}`],
          params: { preset: n },
        });
      }
    }
    await registerStudio(rig.toString(), { devices, slots, by: 'bench', timeoutMs: 30_000 });
    const url = controller.httpUrl!;
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(`${url}/console/`);
    await page.fill('input[name=username]', 'bench');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    const total = o.studios * o.slotsPerStudio;
    await page.waitForFunction((n) => document.querySelectorAll('[data-slot]').length === n, total, { timeout: 30_000 });
    // Noted in the page itself: the DOM change that completes the wall, then the frame that paints
    // it (a poll from outside would wait for a busy main thread and measure the poll).
    await page.addInitScript((n: number) => {
      const w = window as unknown as { wallAt?: number };
      new MutationObserver((_m, observer) => {
        if (document.querySelectorAll('[data-slot]').length < n) return;
        observer.disconnect();
        // The frame after the one that lays the wall out and paints it.
        requestAnimationFrame(() => requestAnimationFrame(() => (w.wallAt = performance.now())));
      }).observe(document, { childList: true, subtree: true });
    }, total);
    const samples: number[] = [];
    let tiles = 0;
    for (let i = 0; i < o.runs; i += 1) {
      await page.reload();
      await page.waitForFunction(() => (window as unknown as { wallAt?: number }).wallAt !== undefined, undefined, { timeout: 30_000 });
      samples.push(Math.round(await page.evaluate(() => (window as unknown as { wallAt: number }).wallAt)));
      tiles = await page.locator('[data-slot]').count();
    }
    const statusBytes = Buffer.byteLength(JSON.stringify(controller.status()));
    return { studios: o.studios, slotsPerStudio: o.slotsPerStudio, firstPaintMs: summarize(samples), statusBytes, tiles };
  } finally {
    await browser.close();
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
