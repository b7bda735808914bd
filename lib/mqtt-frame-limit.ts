/**
 * Refuses MQTT packets over a size limit before they are buffered. aedes (and mqtt-packet under it)
 * accept any Remaining Length up to 256 MB [MQTT-2.2.3] and hold the whole packet in memory; one
 * client could exhaust the controller's. This reads only the fixed headers — a type byte and the
 * Remaining Length's 1-4 bytes — and skips payloads in bulk, so it costs O(packets), not O(bytes).
 */
import type { Socket } from 'node:net';

export class MqttFrameScanner {
  /** Bytes of the current packet's body still to pass. */
  private remaining = 0;
  /** 'header': expecting a type byte; 'length': inside the Remaining Length varint. */
  private state: 'header' | 'length' | 'body' = 'header';
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxBytes: number) {}

  /** Feeds a chunk; returns the size of an oversized or malformed packet (then stop), or undefined. */
  push(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'header';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'header') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      // [MQTT-2.2.3] Remaining Length: 7 bits per byte, least significant first, at most 4 bytes.
      this.length += (byte & 0x7f) * this.multiplier;
      if (this.length > this.maxBytes) return this.length;
      if (byte & 0x80) {
        this.multiplier *= 128;
        if (this.multiplier > 128 ** 3) return Infinity; // a fifth length byte: malformed
        continue;
      }
      this.remaining = this.length;
      this.state = this.remaining > 0 ? 'body' : 'header';
    }
    return undefined;
  }
}

/** Watches what the broker reads from this socket; an oversized packet closes it with the reason. */
export function limitMqttPackets(socket: Socket, maxBytes: number, onRefused: (bytes: number) => void): Socket {
  const scanner = new MqttFrameScanner(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null || socket.destroyed) return chunk;
    const refused = scanner.push(chunk);
    if (refused === undefined) return chunk;
    onRefused(refused);
    socket.destroy(new Error(`MQTT packet of ${refused} bytes is over the ${maxBytes}-byte limit`));
    return null;
  }) as Socket['read'];
  return socket;
}
