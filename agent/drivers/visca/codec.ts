/**
 * VISCA wire protocol: framing and packet codec. Pure; no I/O.
 * Sources: Sony SRG-300H Technical Manual, "VISCA Command/Acknowledge Protocol";
 * Sony FCB-EV7500 Technical Manual, "Command List: VISCA Device Setting Command".
 */

export const TERMINATOR = 0xff;
/** [VISCA packet] 3 to 16 bytes including header and terminator. */
export const MAX_PACKET = 16;
export const BROADCAST_HEADER = 0x88;

/** [VISCA packet] header 8X: X = receiver address 1–7; body; FF. */
export function encodePacket(address: number, body: readonly number[]): Buffer {
  if (!Number.isInteger(address) || address < 1 || address > 7) throw new RangeError(`VISCA address must be 1-7, not ${address}`);
  if (body.length < 1 || body.length > MAX_PACKET - 2) throw new RangeError(`VISCA body must be 1-14 bytes, not ${body.length}`);
  for (const b of body)
    if (!Number.isInteger(b) || b < 0 || b >= TERMINATOR) throw new RangeError(`VISCA body byte ${b} is out of range 00-FE`);
  return Buffer.from([0x80 | address, ...body, TERMINATOR]);
}

export function encodeBroadcast(body: readonly number[]): Buffer {
  return Buffer.from([BROADCAST_HEADER, ...body, TERMINATOR]);
}

export type ViscaReply =
  /** [Acknowledge] z0 4y FF: accepted into socket y. */
  | { kind: 'ack'; from: number; socket: number }
  /** [Completion] z0 5y FF for commands; z0 50 … FF carries an inquiry's answer. */
  | { kind: 'completion'; from: number; socket: number; data: Buffer }
  /** [Error] z0 6y EE FF. */
  | { kind: 'error'; from: number; socket: number; code: number }
  /** [Network Change] z0 38 FF. */
  | { kind: 'network-change'; from: number }
  /** Broadcast replies: 88 01 00 01 FF (IF_Clear echoed), 88 30 0w FF (address set). */
  | { kind: 'broadcast'; body: Buffer }
  | { kind: 'invalid'; reason: string };

/** Decodes one complete frame (ending in FF). */
export function decodeReply(frame: Buffer): ViscaReply {
  if (frame.length < 3 || frame.length > MAX_PACKET) return { kind: 'invalid', reason: `length ${frame.length} is outside 3-16` };
  if (frame[frame.length - 1] !== TERMINATOR) return { kind: 'invalid', reason: 'no FF terminator' };
  const header = frame[0]!;
  if (header === BROADCAST_HEADER) return { kind: 'broadcast', body: frame.subarray(1, -1) };
  // Reply header z0: z = sender address + 8, so 9-F in the high nibble, 0 in the low one.
  if ((header & 0x0f) !== 0 || header < 0x90) return { kind: 'invalid', reason: `header ${hex(header)} is not a reply header (90-F0)` };
  const from = (header >> 4) - 8;
  const type = frame[1]!;
  const socket = type & 0x0f;
  switch (type & 0xf0) {
    case 0x40:
      return frame.length === 3 ? { kind: 'ack', from, socket } : { kind: 'invalid', reason: 'ACK longer than 3 bytes' };
    case 0x50:
      return { kind: 'completion', from, socket, data: frame.subarray(2, -1) };
    case 0x60:
      return frame.length === 4
        ? { kind: 'error', from, socket, code: frame[2]! }
        : { kind: 'invalid', reason: 'error reply is not 4 bytes' };
    case 0x30:
      return type === 0x38 && frame.length === 3
        ? { kind: 'network-change', from }
        : { kind: 'invalid', reason: `unknown reply type ${hex(type)}` };
    default:
      return { kind: 'invalid', reason: `unknown reply type ${hex(type)}` };
  }
}

export interface FramerCounters {
  frames: number;
  /** Bytes dropped while looking for the start of a packet. */
  garbageBytes: number;
  /** Runs of more than 16 bytes without a terminator, dropped whole. */
  oversized: number;
}

/**
 * Splits a byte stream into frames. Resynchronises on garbage (anything before a header byte, or a
 * header byte arriving mid-frame), drops runs longer than a packet can be, never holds more than 16 bytes.
 */
export class ViscaFramer {
  readonly counters: FramerCounters = { frames: 0, garbageBytes: 0, oversized: 0 };
  private readonly buffer = Buffer.alloc(MAX_PACKET);
  private length = 0;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  /** Bytes of a frame not yet terminated (at most MAX_PACKET - 1). */
  get held(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    for (const byte of chunk) {
      if (byte === TERMINATOR) {
        if (this.length === 0) {
          this.counters.garbageBytes += 1;
          continue;
        }
        this.buffer[this.length++] = byte;
        this.counters.frames += 1;
        const frame = Buffer.from(this.buffer.subarray(0, this.length));
        this.length = 0;
        this.onFrame(frame);
        continue;
      }
      if (byte >= 0x80) {
        // A header byte. Reply payloads carry 7-bit data, so one mid-frame means the frame so far
        // was cut off (a device that hung mid-reply, line noise): drop it and start again here.
        this.counters.garbageBytes += this.length;
        this.length = 0;
        this.buffer[this.length++] = byte;
        continue;
      }
      if (this.length === 0) {
        this.counters.garbageBytes += 1;
        continue;
      }
      if (this.length === MAX_PACKET - 1) {
        // No room left for the terminator: longer than any packet can be.
        this.counters.oversized += 1;
        this.counters.garbageBytes += this.length + 1;
        this.length = 0;
        continue;
      }
      this.buffer[this.length++] = byte;
    }
  }

  /** Forget a partial frame (the line was reset, or the device hung mid-reply). */
  reset(): void {
    if (this.length > 0) this.counters.garbageBytes += this.length;
    this.length = 0;
  }
}

export const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
export const hexBytes = (bytes: Iterable<number>): string => [...bytes].map(hex).join(' ');
