/**
 * The byte links (TCP and serial) reconnect by themselves, also when the agent closes and reopens
 * them while their own reconnect timer is pending — the cycle DeviceRunner goes through when a
 * device keeps failing. A stale timer handle once stopped every later reconnect for good.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { TcpLink } from '../../lib/net/tcp-link.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import { SerialLink } from '../../lib/serial/serial-link.ts';
import { openDeviceEnd, closeDeviceEnd } from '../../simulators/device-port.ts';
import { cleanupAfterEach, waitUntil } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP device that can go away (refusing connections) and come back on the same port. */
class FlakyServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  async up(): Promise<void> {
    this.server = net.createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
  get clients(): number {
    return this.sockets.size;
  }
}

const cleanup = cleanupAfterEach();

describe('TCP link', () => {
  it('reconnects by itself after being closed and reopened while its reconnect timer was pending', async () => {
    const server = new FlakyServer();
    await server.up();
    cleanup.defer(() => server.down());
    const link = new TcpLink({
      host: '127.0.0.1',
      port: server.port,
      log: silentLogger(),
      reconnect: { initialMs: 100, maxMs: 400 },
      connectTimeoutMs: 500,
    });
    cleanup.defer(() => link.close());
    await link.open();

    for (let cycle = 0; cycle < 5; cycle += 1) {
      await server.down(); // the device goes away: the link schedules a reconnect
      await waitUntil(() => !link.isOpen, 2_000, 'the link notices');
      await link.close(); // the agent gives up on the device while that timer is pending…
      await expect(link.open()).rejects.toThrow(); // …and opens it again at once: refused
      await sleep(1_200); // an outage longer than the retry interval
      await server.up();
      await waitUntil(() => link.isOpen && server.clients === 1, 3_000, `cycle ${cycle}: the link reconnected by itself`);
    }
    expect(link.isOpen).toBe(true);
  });
});

describe('serial link', () => {
  it('reopens by itself after being closed and reopened while its reopen timer was pending', async () => {
    const pair: PtyPair = await createPtyPair();
    cleanup.defer(() => pair.close());
    let device = await openDeviceEnd(pair.b, 9600, () => undefined);
    cleanup.defer(() => closeDeviceEnd(device));
    const link = new SerialLink({ path: pair.a, baudRate: 9600, log: silentLogger(), reopen: { initialMs: 100, maxMs: 400 } });
    cleanup.defer(() => link.close());
    await link.open();

    for (let cycle = 0; cycle < 3; cycle += 1) {
      await pair.unplug();
      // Linux usually reports the hang-up at once; under load it may not, and then the agent's own
      // failure handling restarts the link — which leaves the same reopen timer pending.
      await waitUntil(() => !link.isOpen, 2_000, 'the link notices the unplug').catch(() =>
        link.restart('the OS did not report the unplug'),
      );
      await waitUntil(() => !link.isOpen, 2_000, 'the link closed');
      await closeDeviceEnd(device);
      await link.close();
      await expect(link.open()).rejects.toThrow(); // the adapter is not there
      await sleep(1_200);
      await pair.plugIn();
      device = await openDeviceEnd(pair.b, 9600, () => undefined);
      await waitUntil(() => link.isOpen, 3_000, `cycle ${cycle}: the link reopened by itself`);
    }
  });
});
