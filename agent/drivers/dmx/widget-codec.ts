/**
 * Enttec DMX USB Pro application messages. Pure; no I/O.
 * Source: Enttec "DMX USB Pro Widget API Specification" v1.44; label 12 (RDM timeout) per
 * the Open Lighting Project's USB Pro extensions (OLA plugins/usbpro/EnttecUsbProWidget.cpp).
 * [API §Message format] 0x7E, label, data length LSB, MSB, data (0-600 bytes), 0xE7.
 */

export const START = 0x7e;
export const END = 0xe7;
export const MAX_DATA = 600;

export const Label = {
  getParameters: 3,
  setParameters: 4,
  receivedPacket: 5,
  sendDmx: 6,
  sendRdm: 7,
  getSerialNumber: 10,
  sendRdmDiscovery: 11,
  rdmTimeout: 12,
} as const;

export function encodeMessage(label: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  if (!Number.isInteger(label) || label < 0 || label > 255) throw new RangeError(`label ${label} is not a byte`);
  if (data.length > MAX_DATA) throw new RangeError(`${data.length} data bytes exceed the widget's ${MAX_DATA}`);
  return Buffer.concat([Buffer.from([START, label, data.length & 0xff, data.length >> 8]), data, Buffer.from([END])]);
}

/** [Label 6] Output only send DMX: start code 0x00 then up to 512 slots. */
export function encodeDmx(slots: Uint8Array): Buffer {
  if (slots.length > 512) throw new RangeError('a DMX512 universe has at most 512 slots');
  return encodeMessage(Label.sendDmx, Buffer.concat([Buffer.from([0x00]), slots]));
}

export interface WidgetMessage {
  label: number;
  data: Buffer;
}

export interface FramerCounters {
  messages: number;
  garbageBytes: number;
  badEndByte: number;
  oversized: number;
}

/**
 * Reassembles messages from the byte stream. A wrong end byte or an impossible length means we
 * were not where we thought: drop what we have and resynchronise on the next 0x7E. The buffer never
 * exceeds one maximal message.
 */
export class WidgetFramer {
  readonly counters: FramerCounters = { messages: 0, garbageBytes: 0, badEndByte: 0, oversized: 0 };
  private readonly buffer = Buffer.alloc(MAX_DATA + 5);
  private length = 0;

  constructor(private readonly onMessage: (m: WidgetMessage) => void) {}

  /** Bytes of a message not yet complete (less than one maximal message). */
  get held(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    for (const byte of chunk) this.pushByte(byte);
  }

  reset(): void {
    this.counters.garbageBytes += this.length;
    this.length = 0;
  }

  private pushByte(byte: number): void {
    if (this.length === 0 && byte !== START) {
      this.counters.garbageBytes += 1;
      return;
    }
    this.buffer[this.length++] = byte;
    if (this.length < 4) return;
    const dataLength = this.buffer[2]! | (this.buffer[3]! << 8);
    if (dataLength > MAX_DATA) {
      this.counters.oversized += 1;
      return this.resync();
    }
    if (this.length < dataLength + 5) return;
    if (byte !== END) {
      this.counters.badEndByte += 1;
      return this.resync();
    }
    const message = { label: this.buffer[1]!, data: Buffer.from(this.buffer.subarray(4, 4 + dataLength)) };
    this.length = 0;
    this.counters.messages += 1;
    this.onMessage(message);
  }

  /** Drop the bad start and look for the next 0x7E inside what we already have. */
  private resync(): void {
    const held = Buffer.from(this.buffer.subarray(1, this.length));
    this.counters.garbageBytes += 1;
    this.length = 0;
    this.push(held);
  }
}

export interface WidgetParameters {
  firmware: string;
  /** Break time in units of 10.67 µs. */
  breakTime: number;
  /** Mark-after-break time in units of 10.67 µs. */
  mabTime: number;
  /** DMX output rate in packets per second (0 = as fast as possible). */
  refreshRate: number;
}

/** [Label 3 reply] firmware LSB, MSB, break time, MAB time, refresh rate, user configuration. */
export function decodeParameters(data: Buffer): WidgetParameters {
  if (data.length < 5) throw new Error(`widget parameters reply has ${data.length} bytes, expected at least 5`);
  return { firmware: `${data[1]}.${data[0]}`, breakTime: data[2]!, mabTime: data[3]!, refreshRate: data[4]! };
}

/** [Label 10 reply] four bytes of BCD, least significant first: 0x78 0x56 0x34 0x12 → "12345678". */
export function decodeSerialNumber(data: Buffer): string {
  if (data.length !== 4) throw new Error(`serial number reply has ${data.length} bytes, expected 4`);
  return [...data]
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}
