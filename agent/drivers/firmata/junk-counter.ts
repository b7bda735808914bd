/**
 * Counts the bytes from a board that belong to no Firmata message, as the receiver sees them
 * [firmata/protocol protocol.md]: a message starts with a command byte (bit 7 set) and carries data
 * bytes (bit 7 clear). A board sends 3-byte MIDI-style messages (DIGITAL_MESSAGE 0x9n, ANALOG_MESSAGE
 * 0xEn, REPORT_VERSION 0xF9) and SysEx (0xF0 … 0xF7). Anything else — data bytes with no command before
 * them, a command a board never sends, a message cut short by the next command — is junk. firmata-io
 * skips such bytes silently (the link looks healthy while it spews garbage); this sees them, so the
 * driver can report `garbageBytesPerMin` and a profile can degrade past a bound (as VISCA's and the
 * Enttec widget's framers do).
 *
 * Pure and incremental: feed it every chunk in order. It never holds more than one message.
 */
const START_SYSEX = 0xf0;
const END_SYSEX = 0xf7;
const REPORT_VERSION = 0xf9;
/** A SysEx longer than this without its end is junk (firmata-io drops it past the same size: guarded-transport.ts). */
const MAX_SYSEX = 8_192;

const midiLength = (command: number): number => {
  const high = command & 0xf0;
  return high === 0x90 || high === 0xe0 || command === REPORT_VERSION ? 3 : 0;
};

export class FirmataJunkCounter {
  /** Bytes that were part of no message, since creation. */
  junk = 0;
  /** Bytes of the message being read (0: between messages). */
  private held = 0;
  private expected = 0;
  private sysex = false;

  feed(chunk: Uint8Array): void {
    for (const byte of chunk) this.byte(byte);
  }

  private byte(b: number): void {
    const command = b >= 0x80;
    if (this.sysex) {
      if (b === END_SYSEX) return this.reset();
      if (!command && this.held < MAX_SYSEX) return void (this.held += 1);
      this.drop(); // a command inside a SysEx, or one that never ends: what we had was junk
      if (command) this.start(b);
      else this.junk += 1;
      return;
    }
    if (this.held > 0) {
      if (!command) {
        this.held += 1;
        if (this.held === this.expected) this.reset();
        return;
      }
      this.drop(); // cut short by the next command
    }
    if (command) this.start(b);
    else this.junk += 1; // a data byte with no command before it
  }

  private start(b: number): void {
    if (b === START_SYSEX) {
      this.sysex = true;
      this.held = 1;
      return;
    }
    const length = midiLength(b);
    if (length === 0) return void (this.junk += 1); // a command no board sends
    this.held = 1;
    this.expected = length;
  }

  private drop(): void {
    this.junk += this.held;
    this.reset();
  }

  /** A new connection: a message half read on the old one is neither finished nor junk. */
  restart(): void {
    this.reset();
  }

  private reset(): void {
    this.held = 0;
    this.expected = 0;
    this.sysex = false;
  }
}
