/**
 * A real HTTP receiver on loopback for the delivery tests, and the small sender that posts to it
 * (the real senders, one per contact kind, are controller/alerting/channels/). The receiver can be
 * down (not listening: connections refused) and up again on the same port, or hold requests open
 * (a send in flight when the controller dies).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ContactPoint } from '../../protocols/alerting.ts';
import type { AlertMessage, ContactSender, DeliveryReceipt } from '../../controller/alerting/types.ts';
import { waitBudget } from './waits.ts';

export interface Received {
  notification: number;
  reason: string;
  title: string;
  digest?: string[];
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Requests to hold open instead of answering (taken in order). */
  hold = 0;
  private server: Server | undefined;
  private port = 0;
  private readonly waiters = new Set<() => void>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => void this.take(request, response));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening (new connections are refused) and drops held requests. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Resolves when `done()` holds, checked at each request; refuses after the tests' wait budget. */
  until(done: () => boolean, what: string, askedMs = 5_000): Promise<void> {
    return untilTrue(this.waiters, done, what, askedMs);
  }

  private async take(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received);
    for (const w of this.waiters) w();
    if (this.hold > 0) {
      this.hold -= 1;
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }
}

/** A promise that resolves once `done()` is true, re-checked whenever a waiter in `waiters` is called. */
export function untilTrue(waiters: Set<() => void>, done: () => boolean, what: string, askedMs = 5_000): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, waitBudget(askedMs));
    waiters.add(check);
  });
}

/** Posts the message as JSON, with its notification id; 5xx, 429 and a refused connection are worth retrying. */
export const jsonSender: ContactSender = {
  async send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const body = { notification: message.notification, reason: message.reason, title: message.title, digest: message.digest };
      const res = await fetch(contact.to, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
      await res.arrayBuffer();
      if (res.ok) return { ok: true, ms: ms() };
      const retryAfter = Number(res.headers.get('retry-after'));
      return {
        ok: false,
        ms: ms(),
        error: `HTTP ${res.status}`,
        retryable: res.status >= 500 || res.status === 429,
        ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (err) {
      return { ok: false, ms: ms(), error: String((err as Error).cause ?? err), retryable: true };
    }
  },
};
