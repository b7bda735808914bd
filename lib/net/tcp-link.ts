/** A TCP connection to a device that reconnects by itself with backoff (socket reset, device rebooted). */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { RetryTimer } from '../retry-timer.ts';
import { deliverData, type ByteLink, type ByteLinkEvents } from '../byte-link.ts';
import type { Logger } from '../logger.ts';

export interface TcpLinkSettings {
  host: string;
  port: number;
  log: Logger;
  connectTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
}

export class TcpLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  private socket: net.Socket | undefined;
  private wanted = false;
  private opening: Promise<void> | undefined;
  private readonly retry: RetryTimer;

  constructor(private readonly s: TcpLinkSettings) {
    super();
    this.retry = new RetryTimer(s.reconnect ?? { initialMs: 250, maxMs: 5_000 }, () => {
      if (this.wanted && !this.isOpen) this.open().catch(() => undefined);
    });
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.connecting && !this.socket.destroyed;
  }

  open(): Promise<void> {
    this.wanted = true;
    if (this.isOpen) return Promise.resolve();
    this.opening ??= this.connect().finally(() => (this.opening = undefined));
    return this.opening;
  }

  write(data: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isOpen) return Promise.reject(new Error(`not connected to ${this.s.host}:${this.s.port}`));
    return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  restart(reason: string): void {
    this.s.log.warn({ host: this.s.host, port: this.s.port, reason }, 'dropping the connection to reconnect');
    this.socket?.destroy(new Error(reason));
  }

  async close(): Promise<void> {
    this.wanted = false;
    this.retry.cancel();
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = net.createConnection({ host: this.s.host, port: this.s.port, noDelay: true });
      const timeout = setTimeout(
        () => socket.destroy(new Error(`connecting to ${this.s.host}:${this.s.port} timed out`)),
        this.s.connectTimeoutMs ?? 3_000,
      );
      socket.once('connect', () => {
        clearTimeout(timeout);
        if (!this.wanted) {
          socket.destroy();
          return resolve();
        }
        this.socket = socket;
        this.retry.succeeded();
        socket.setKeepAlive(true, 5_000);
        this.emit('open');
        resolve();
      });
      socket.on('data', (chunk: Buffer) => deliverData(this, this.s.log, chunk));
      socket.on('error', (err) => {
        clearTimeout(timeout);
        if (this.socket !== socket) reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timeout);
        if (this.socket !== socket) return this.schedule();
        this.socket = undefined;
        this.emit('close', null);
        this.schedule();
      });
    });
  }

  private schedule(): void {
    if (this.wanted) this.retry.schedule();
  }
}
