/**
 * The serial port as firmata-io sees it, with a guard in between. firmata-io parses inside the port's
 * `data` event; a malformed frame (`F0 79 F7`: a firmware report with no version) makes it throw there,
 * and an exception thrown from an I/O callback ends the whole process — every device of the agent.
 * Here it is caught, reported, and the half-parsed frame dropped so the next one parses cleanly.
 * A SysEx frame that never ends (7-bit bytes and no END_SYSEX) would grow firmata-io's buffer for
 * ever; past MAX_FRAME_BYTES it is dropped the same way.
 */
import { EventEmitter } from 'node:events';
import firmataIo, { type Firmata } from 'firmata-io';

/** Longer than any StandardFirmata reply (a Mega's CAPABILITY_RESPONSE is about 1.2 KB). */
export const MAX_FRAME_BYTES = 8_192;

/** What the guard needs of a serial port (serialport's SerialPort has it). */
export interface FirmataPort {
  on(event: 'open' | 'close' | 'error' | 'data', listener: (...args: unknown[]) => void): unknown;
  readonly isOpen: boolean;
  write(data: Buffer, callback?: (err?: Error | null) => void): boolean;
}

export interface GuardedTransportHooks {
  /** A listener threw on data from the board. */
  onParserError: (err: Error) => void;
  /** After each chunk of data was handed on. */
  afterData?: () => void;
}

export class GuardedTransport extends EventEmitter {
  constructor(
    private readonly port: FirmataPort,
    hooks: GuardedTransportHooks,
  ) {
    super();
    for (const event of ['open', 'close', 'error', 'data'] as const) {
      port.on(event, (...args: unknown[]) => {
        try {
          this.emit(event, ...args);
        } catch (err) {
          hooks.onParserError(err instanceof Error ? err : new Error(String(err)));
        }
        if (event === 'data') hooks.afterData?.();
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

/**
 * firmata-io on a guarded port: a frame it throws on, or one too long to be real, is dropped with
 * what it had of it (its parser starts clean at the next command byte) and reported as garbled.
 */
export function guardedFirmata(port: FirmataPort, onGarbled: (reason: string) => void, options: { reportVersionTimeout: number }): Firmata {
  const transport = new GuardedTransport(port, {
    onParserError: (err) => {
      io.buffer.length = 0;
      onGarbled(err.message);
    },
    afterData: () => {
      if (io.buffer.length <= MAX_FRAME_BYTES) return;
      io.buffer.length = 0;
      onGarbled(`a frame ran past ${MAX_FRAME_BYTES} bytes without its end`);
    },
  });
  const io = new firmataIo.Firmata(transport, options);
  return io;
}
