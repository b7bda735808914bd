import type { EventEmitter } from 'node:events';

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
