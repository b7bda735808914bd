/**
 * The serial port as firmata-io sees it, with a guard in between. firmata-io parses inside the port's
 * `data` event; a malformed frame (`F0 79 F7`: a firmware report with no version) makes it throw there,
 * and an exception thrown from an I/O callback ends the whole process — every device of the agent.
 * Here it is caught, reported, and the half-parsed frame dropped so the next one parses cleanly.
 */
import { EventEmitter } from 'node:events';
import type { SerialPort } from 'serialport';

export interface GuardedTransportHooks {
  /** A listener threw on data from the board. */
  onParserError: (err: Error) => void;
}

export class GuardedTransport extends EventEmitter {
  constructor(private readonly port: SerialPort, hooks: GuardedTransportHooks) {
    super();
    for (const event of ['open', 'close', 'error', 'data'] as const) {
      port.on(event, (...args: unknown[]) => {
        try {
          this.emit(event, ...args);
        } catch (err) {
          hooks.onParserError(err instanceof Error ? err : new Error(String(err)));
        }
      });
    }
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(data: Buffer, callback?: (err?: Error | null) => void): boolean {
    return this.port.write(data, callback);
  }
}
