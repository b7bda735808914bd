/**
 * A TCP proxy on loopback that can cut a link the way a failed switch does: `cut()` stops every byte
 * both ways and keeps the sockets open (no FIN, no RST: neither side learns anything until its own
 * timeouts fire); `restore()` delivers what waited, as TCP's retransmissions would. New connections
 * during a cut hang too.
 */
import net from 'node:net';

export class TcpProxy {
  private cutting = false;
  private readonly sockets = new Set<net.Socket>();
  /** Bytes held during a cut, in the order they were sent. */
  private readonly waiting: Array<{ to: net.Socket; chunk: Buffer }> = [];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = net.createServer((client) => {
      const upstream = net.connect(target);
      proxy.sockets.add(client).add(upstream);
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on('data', (chunk: Buffer) => (proxy.cutting ? proxy.waiting.push({ to, chunk }) : to.write(chunk)));
      forward(client, upstream);
      forward(upstream, client);
      const close = () => (client.destroy(), upstream.destroy(), proxy.sockets.delete(client), proxy.sockets.delete(upstream));
      for (const s of [client, upstream]) {
        s.on('error', close);
        s.on('close', close);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  cut(): void {
    this.cutting = true;
  }

  restore(): void {
    this.cutting = false;
    for (const { to, chunk } of this.waiting.splice(0)) if (!to.destroyed) to.write(chunk);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
