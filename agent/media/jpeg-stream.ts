/**
 * Whole JPEGs out of ffmpeg's image2pipe byte stream (pure). The pipe is a stream of concatenated
 * JPEGs cut wherever the OS's pipe buffer cuts it, so a picture is whole only once its EOI marker
 * is in. The markers are walked as JPEG lays them out (ITU-T T.81 Annex B): a segment after SOI
 * carries its own length, and only inside entropy-coded data (after SOS) is FF D9 searched for,
 * where a data FF is always followed by 00 (or is a restart marker FF D0-D7). A bare search for FF D9
 * could be fooled by a table or comment byte pair.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const isRestart = (m: number): boolean => m >= 0xd0 && m <= 0xd7;

/** Where the JPEG starting at `start` (its SOI) ends (one past EOI), or undefined while it is incomplete; -1 when the bytes are not a JPEG. */
export function jpegEnd(bytes: Uint8Array, start: number): number | undefined {
  let at = start + 2;
  for (;;) {
    if (at + 1 >= bytes.length) return undefined;
    if (bytes[at] !== 0xff) return -1;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte before a marker
      continue;
    }
    if (marker === EOI) return at + 2;
    if (isRestart(marker) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (at + 3 >= bytes.length) return undefined;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return -1;
    at += 2 + length;
    if (marker !== SOS) continue;
    // Entropy-coded data: runs to the next marker that is neither a stuffed 00 nor a restart.
    for (;;) {
      if (at + 1 >= bytes.length) return undefined;
      if (bytes[at] === 0xff && bytes[at + 1] !== 0x00 && !isRestart(bytes[at + 1]!)) break;
      at += 1;
    }
  }
}

/** Splits a byte stream into whole JPEGs; holds at most `maxHeldBytes` of an unfinished one (then resynchronises on the next SOI). */
export class JpegSplitter {
  private held: Buffer = Buffer.alloc(0);

  constructor(private readonly maxHeldBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    this.held = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const start = this.findSoi(0);
      if (start < 0) {
        // Keep a trailing FF: it may be the first half of the next SOI.
        this.held = this.held.length > 0 && this.held[this.held.length - 1] === 0xff ? this.held.subarray(-1) : Buffer.alloc(0);
        return out;
      }
      const end = jpegEnd(this.held, start);
      if (end === undefined) {
        this.held = this.held.subarray(start);
        if (this.held.length > this.maxHeldBytes) this.held = this.resync();
        return out;
      }
      if (end < 0) {
        this.held = this.held.subarray(start + 2); // not a JPEG after all: look for the next SOI
        continue;
      }
      out.push(Buffer.from(this.held.subarray(start, end))); // a copy: the rest of the chunk is not kept alive by it
      this.held = this.held.subarray(end);
    }
  }

  /** An unfinished picture grew past the bound: dropped, keeping anything from the next SOI on. */
  private resync(): Buffer {
    const next = this.findSoi(2);
    return next < 0 ? Buffer.alloc(0) : this.held.subarray(next);
  }

  private findSoi(from: number): number {
    for (let i = from; i + 1 < this.held.length; i += 1) if (this.held[i] === 0xff && this.held[i + 1] === SOI) return i;
    return -1;
  }
}
