import { EventEmitter } from 'node:events';
import type { ByteLink, ByteLinkEvents } from '../../lib/byte-link.ts';

/** A byte link for unit tests of a protocol session: what the session writes is kept, `receive` plays the device. */
export class FakeLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly written: string[] = [];
  isOpen = true;
  async open() {}
  async write(data: Buffer) {
    this.written.push(data.toString());
  }
  restart() {}
  async close() {}
  receive(text: string | Buffer) {
    this.emit('data', typeof text === 'string' ? Buffer.from(text) : text);
  }
}
