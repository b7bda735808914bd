/** Firmata protocol byte layouts (firmata/protocol protocol.md), as the board simulator sends them. */
import { describe, expect, it } from 'vitest';
import { encodeAnalog, encodeDigitalPort } from '../../simulators/firmata-board.ts';
import { FirmataJunkCounter } from '../../agent/drivers/firmata/junk-counter.ts';

describe('Firmata messages', () => {
  it('analog I/O message: E0|channel, LSB bits 0-6, MSB bits 7-13', () => {
    expect(encodeAnalog(0, 512)).toEqual([0xe0, 0x00, 0x04]);
    expect(encodeAnalog(5, 1023)).toEqual([0xe5, 0x7f, 0x07]);
  });

  it('digital I/O message: 90|port, pins 0-6, pin 7 of the port (D13 is bit 5 of port 1)', () => {
    expect(encodeDigitalPort(1, 1 << 5)).toEqual([0x91, 0x20, 0x00]);
    expect(encodeDigitalPort(0, 0xff)).toEqual([0x90, 0x7f, 0x01]);
  });
});

describe('Firmata junk: bytes that belong to no message', () => {
  const junkOf = (...chunks: number[][]) => {
    const counter = new FirmataJunkCounter();
    for (const c of chunks) counter.feed(Uint8Array.from(c));
    return counter.junk;
  };

  it('counts nothing in a board’s own messages, however they are split into chunks', () => {
    const version = [0xf9, 0x02, 0x05];
    const firmware = [0xf0, 0x79, 0x02, 0x05, 0x53, 0x00, 0xf7];
    expect(junkOf([...version, ...firmware, ...encodeAnalog(0, 512), ...encodeDigitalPort(1, 1 << 5)])).toBe(0);
    expect(junkOf(version.slice(0, 1), [...version.slice(1), ...firmware.slice(0, 3)], firmware.slice(3), encodeAnalog(5, 1023))).toBe(0);
  });

  it('counts stray data bytes, commands no board sends, messages cut short and sysex that never ends', () => {
    expect(junkOf([0x13, 0x00, 0x42, ...encodeAnalog(0, 1)])).toBe(3); // the simulator's 'garbage' fault
    expect(junkOf([0xc0, 0xf4, 0xff])).toBe(3);
    expect(junkOf([0xe0, 0x01, ...encodeAnalog(0, 1)])).toBe(2); // an analog message cut short by the next
    expect(junkOf([0xf0, 0x79, 0x02, 0x90, 0x00, 0x00])).toBe(3); // a sysex cut short by a digital message
    expect(junkOf([0xf0, ...new Array<number>(9_000).fill(0x01)])).toBeGreaterThan(800);
  });
});
