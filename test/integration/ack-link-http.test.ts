/**
 * The acknowledgement link over real HTTP (the controller's HTTP server on loopback, the store's
 * tables): a GET (what link scanners and chat unfurlers send) shows the alert and changes nothing; the
 * page's button (a POST) acknowledges once; a second POST, an expired or a forged token acknowledge
 * nothing and say why; one address asking too often is slowed down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { startHttpServer, type HttpServer } from '../../controller/http/http-server.ts';
import { ControllerMetrics } from '../../controller/http/metrics.ts';
import { noCounts } from '../../controller/controller-face.ts';
import { SignedAckLinks } from '../../controller/alerting/delivery/ack-links.ts';
import { ACK_RATE } from '../../controller/alerting/delivery/ack-route.ts';
import type { AlertBook } from '../../controller/alerting/types.ts';
import type { Alert } from '../../protocols/alerting.ts';
import { alert, alertingDb } from '../support/delivery-rig.ts';

const T0 = 1_800_000_000_000;
const TTL = 3_600_000;

/** The alert book's side of an acknowledgement (H1's AlertBook): the alerts, and who acknowledged them how. */
class AckedAlerts implements Pick<AlertBook, 'get' | 'acknowledge'> {
  readonly acks: Array<{ alert: number; by: string; via: string }> = [];
  constructor(readonly alerts: Map<number, Alert>) {}
  get(id: number): Alert | undefined {
    return this.alerts.get(id);
  }
  acknowledge(id: number, by: string, via: 'console' | 'cli' | 'link' | 'api'): Alert {
    const a = this.alerts.get(id);
    if (!a || a.state === 'resolved') throw new Error(`alert ${id} has ended`);
    this.acks.push({ alert: id, by, via });
    const acked: Alert = { ...a, state: 'acknowledged', ackedAt: T0, ackedBy: by };
    this.alerts.set(id, acked);
    return acked;
  }
}

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve() {
  const clock = new ManualClock(T0);
  const links = new SignedAckLinks(alertingDb(), TTL);
  const book = new AckedAlerts(new Map([[12, alert(12, T0 - 60_000, { summary: 'agent-a lost: 4 devices, 2 slots affected' })]]));
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    log: silentLogger(),
    metrics: new ControllerMetrics({ status: () => ({}) as never, counters: noCounts(), eventLogSize: () => 0 }),
    readiness: () => ({ ready: true, reasons: [] }),
    ackLinks: { links, alerts: book, clock },
  });
  servers.push(server);
  const at = (token: string) => `${server.url}/ack/${token}`;
  return { clock, links, book, at };
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: '' });

describe('acknowledgement links over HTTP', () => {
  it('GET shows the alert and changes nothing; POST acknowledges once; a second POST is refused', async () => {
    const { links, book, at } = await serve();
    const url = at(links.issue(12, 'wang', T0));
    for (let i = 0; i < 3; i++) {
      const page = await fetch(url, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain('agent-a lost: 4 devices, 2 slots affected');
      expect(html).toContain('critical (off air)');
      expect(html).toContain('<form method="post">');
      expect(html).toContain('>Acknowledge</button>');
    }
    expect(book.acks).toEqual([]);

    const acked = await post(url);
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain('告警已确认'); // no Accept-Language: Chinese
    expect(book.acks).toEqual([{ alert: 12, by: 'wang', via: 'link' }]);

    const again = await post(url, { 'accept-language': 'en' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link was used already');
    expect((await fetch(url)).status).toBe(410);
    expect(book.acks).toHaveLength(1);
  });

  it('an expired or forged token acknowledges nothing and says why', async () => {
    const { clock, links, book, at } = await serve();
    const token = links.issue(12, undefined, T0);
    const [body, signature] = token.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), alert: 13 })).toString('base64url')}.${signature}`;
    const refused = await post(at(forged), { 'accept-language': 'en' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This link is not valid');
    clock.advance(TTL);
    const expired = await post(at(token), { 'accept-language': 'zh-CN' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('此链接已过期');
    expect(book.acks).toEqual([]);
  });

  it('a link to an alert that ended acknowledges nothing and says so', async () => {
    const { links, book, at } = await serve();
    book.alerts.set(12, { ...book.alerts.get(12)!, state: 'resolved' });
    const answer = await post(at(links.issue(12, 'wang', T0)), { 'accept-language': 'en' });
    expect(answer.status).toBe(409);
    expect(await answer.text()).toContain('alert 12 has ended');
    expect(book.acks).toEqual([]);
  });

  it('slows down one address that keeps asking', async () => {
    const { at } = await serve();
    const codes: number[] = [];
    for (let i = 0; i <= ACK_RATE.burst; i++) codes.push((await fetch(at('not-a-token'))).status);
    expect(codes.slice(0, ACK_RATE.burst).every((c) => c === 403)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
