/**
 * Debian's Prometheus Alertmanager (`prometheus-alertmanager`, 0.25 on Debian 12) on a free loopback
 * port, with its own storage in the test's dir and gossip off (`--cluster.listen-address=` empty),
 * and a real HTTP webhook receiver for what it notifies. The port and storage are kept across a
 * restart, as a site's service comes back where OnAir posts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { stringify } from 'yaml';
import { GettableAlert, GettableSilence, WebhookMessage } from '../../controller/alerting/alertmanager/wire.ts';
import { ManagedProcess, freePort } from './processes.ts';
import { waitBudget } from './waits.ts';

const GettableAlertList = Type.Array(GettableAlert);
const GettableSilenceList = Type.Array(GettableSilence);

/** An answer of Alertmanager's, checked against its documented shape (a mismatch says where). */
function checked<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  if (!Value.Check(schema, value)) throw new Error(`${what}: unexpected shape at ${Value.Errors(schema, value).First()?.path}`);
  return value;
}

export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

let found: boolean | undefined;
/** Tests of the real Alertmanager run with `describe.runIf(hasAlertmanager())`; CI installs it (.ci/run). */
export function hasAlertmanager(): boolean {
  found ??= spawnSync(ALERTMANAGER_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found) console.warn('prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager): its tests are skipped');
  return found;
}

/** A webhook receiver: every message Alertmanager sends, checked against its documented shape. */
export interface WebhookReceiver {
  url: string;
  messages: WebhookMessage[];
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const messages: WebhookMessage[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!Value.Check(WebhookMessage, body)) {
        res.writeHead(400).end(`not a webhook message: ${Value.Errors(WebhookMessage, body).First()?.path}`);
        return;
      }
      messages.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    messages,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface AlertmanagerProcess extends ManagedProcess {
  url: string;
  /** Resolves once Alertmanager answers /-/ready (after a start or a restart). */
  ready(): Promise<void>;
  alerts(filter?: string): Promise<GettableAlert[]>;
  silences(): Promise<GettableSilence[]>;
}

/**
 * Routes everything to the receiver, grouped by alertname and studio with short waits, and inhibits a
 * device's alerts while its agent is lost (the example of docs/alerting/alertmanager.md).
 */
export function alertmanagerConfig(webhookUrl: string): Record<string, unknown> {
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'onair-hook',
      group_by: ['alertname', 'studio'],
      group_wait: '100ms',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'onair-hook', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
    inhibit_rules: [
      { source_matchers: ['alertname="OnAirAgentLost"'], target_matchers: ['alertname="OnAirDeviceFault"'], equal: ['agent'] },
    ],
  };
}

export async function alertmanagerProcess(dir: string, webhookUrl: string): Promise<AlertmanagerProcess> {
  mkdirSync(path.join(dir, 'am-data'), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(config, stringify(alertmanagerConfig(webhookUrl)));
  const proc = new ManagedProcess({
    name: 'alertmanager',
    command: ALERTMANAGER_BIN,
    args: [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--cluster.listen-address=',
    ],
    logFile: path.join(dir, 'alertmanager.log'),
  });
  const get = async (p: string): Promise<unknown> => {
    const res = await fetch(url + p, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
    return res.json();
  };
  return Object.assign(proc, {
    url,
    async ready() {
      const deadline = Date.now() + waitBudget(10_000);
      for (;;) {
        const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        if (!proc.running) throw new Error(`alertmanager exited (see ${path.join(dir, 'alertmanager.log')})`);
        if (Date.now() > deadline) throw new Error('alertmanager did not become ready');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async alerts(filter?: string) {
      const list = await get(`/api/v2/alerts${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
      return checked(GettableAlertList, list, 'GET /api/v2/alerts');
    },
    async silences() {
      return checked(GettableSilenceList, await get('/api/v2/silences'), 'GET /api/v2/silences');
    },
  });
}
