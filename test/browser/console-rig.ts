/**
 * What the console's page tests share: a real controller with the HTTP console on loopback, its
 * logins, requests as the first login (over MQTT, like the CLI), and chromium pages logged in and
 * on one route of the console.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { Role } from '../../protocols/access.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/console-paint.ts';
import { removeDir, startController, tempDir } from '../integration/helpers.ts';

export interface Login {
  user: string;
  password: string;
  role: Role;
}

export interface ConsoleRig {
  controller: ControllerWithHttp;
  /** One request as the rig's first login. */
  ask<O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>>;
  /**
   * A fresh browser context logged in as `who`, the live feed up, on `#/route`; page errors land in `errors`.
   * The browser's language is English unless `options.locale` says otherwise (the page picks its language from it).
   */
  open(who: Login, route: string, errors: string[], options?: OpenOptions): Promise<Page>;
  stop(): Promise<void>;
}

export interface OpenOptions {
  /** The browser's language (navigator.languages, Accept-Language): 'en-US' by default. */
  locale?: string;
  viewport?: { width: number; height: number };
}

/** `config`: more of the controller's config (its detection's thresholds, its history settings). */
export async function startConsoleRig(logins: [Login, ...Login[]], config: Record<string, unknown> = {}): Promise<ConsoleRig> {
  const dir = tempDir();
  const controller = await startController({ dataDir: dir, config: { http: { enabled: true, port: 0, host: '127.0.0.1' }, ...config } });
  for (const l of logins) await controller.identities.addUser(l.user, l.role, l.password);
  const [first] = logins;
  const options: RequestOptions = {
    broker: controller.brokerUrl,
    timeoutMs: 5_000,
    issuedBy: first.user,
    user: first.user,
    password: first.password,
  };
  let browser: Browser | undefined;
  return {
    controller,
    ask: (op, params) => withController(options, (c) => request(c, op, params, options)),
    async open(who, route, errors, options = {}) {
      browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      const context = await browser.newContext({
        locale: options.locale ?? 'en-US',
        ...(options.viewport ? { viewport: options.viewport } : {}),
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${controller.httpUrl}/console/`);
      await page.fill('input[name=username]', who.user);
      await page.fill('input[name=password]', who.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('.link-live', { timeout: 10_000 });
      await page.click(`nav a[href="#/${route}"]`);
      return page;
    },
    async stop() {
      await browser?.close();
      await controller.stop();
      removeDir(dir);
    },
  };
}
