/**
 * A serial port that opens again by itself, with backoff, after the device disappears
 * (unplugged, power-cycled). Users never have to toggle a connection by hand.
 */
import { EventEmitter } from 'node:events';
import { deliverData, type ByteLink, type ByteLinkEvents } from '../byte-link.ts';
import { SerialPort } from 'serialport';
import { RetryTimer } from '../retry-timer.ts';
import type { Logger } from '../logger.ts';
import { withTimeout } from '../timeout.ts';

export interface SerialLinkSettings {
  path: string;
  baudRate: number;
  log: Logger;
  reopen?: { initialMs: number; maxMs: number };
  openTimeoutMs?: number;
}

export class SerialLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  private port: SerialPort | undefined;
  private readonly retry: RetryTimer;
  private wanted = false;
  private opening: Promise<void> | undefined;

  constructor(private readonly s: SerialLinkSettings) {
    super();
    this.retry = new RetryTimer(s.reopen ?? { initialMs: 250, maxMs: 5_000 }, () => {
      if (this.wanted && !this.isOpen) this.open().catch(() => undefined);
    });
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Opens now; if that fails, keeps trying in the background and rejects with the first error. */
  open(): Promise<void> {
    this.wanted = true;
    if (this.isOpen) return Promise.resolve();
    this.opening ??= this.tryOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new Error(`serial port ${this.s.path} is not open`));
    return new Promise((resolve, reject) => {
      port.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  restart(reason: string): void {
    this.s.log.warn({ port: this.s.path, reason }, 'closing the serial port to reopen it');
    this.port?.close();
  }

  async close(): Promise<void> {
    this.wanted = false;
    this.retry.cancel();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async tryOpen(): Promise<void> {
    const port = new SerialPort({ path: this.s.path, baudRate: this.s.baudRate, autoOpen: false });
    try {
      await withTimeout(
        `opening ${this.s.path}`,
        this.s.openTimeoutMs ?? 3_000,
        () => new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve()))),
      );
    } catch (err) {
      if (port.isOpen) port.close();
      this.scheduleReopen();
      throw err;
    }
    if (!this.wanted) {
      port.close();
      return;
    }
    this.port = port;
    this.retry.succeeded();
    port.on('data', (chunk: Buffer) => deliverData(this, this.s.log, chunk));
    port.on('error', (err) => this.s.log.warn({ port: this.s.path, err: err.message }, 'serial port error'));
    port.on('close', (err: Error | null) => {
      if (this.port !== port) return;
      this.port = undefined;
      this.s.log.warn({ port: this.s.path, err: err?.message }, 'serial port closed; reopening with backoff');
      this.emit('close', err);
      this.scheduleReopen();
    });
    this.emit('open');
  }

  private scheduleReopen(): void {
    if (this.wanted) this.retry.schedule();
  }
}
