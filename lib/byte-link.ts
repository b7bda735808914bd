import type { EventEmitter } from 'node:events';
import type { Logger } from './logger.ts';

export interface ByteLinkEvents {
  data: [Buffer];
  open: [];
  close: [Error | null];
}

/** A byte stream to a device that reopens by itself: a serial port (SerialLink) or a TCP socket (TcpLink). */
export interface ByteLink extends EventEmitter<ByteLinkEvents> {
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(data: Buffer): Promise<void>;
  /** Drop the connection now (a device that stopped answering); it is reopened with backoff. */
  restart(reason: string): void;
  close(): Promise<void>;
}

/** Hands the device's bytes to the driver. A driver that throws on them (a codec bug) must not take the agent down: the link starts over. */
export function deliverData(link: ByteLink, log: Logger, chunk: Buffer): void {
  try {
    link.emit('data', chunk);
  } catch (err) {
    log.error(
      { err: (err as Error).message, stack: (err as Error).stack },
      'the driver failed on data from its device; starting the connection over',
    );
    link.restart(`driver failed on data: ${(err as Error).message}`);
  }
}
