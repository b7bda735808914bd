/** Firmata protocol byte layouts (firmata/protocol protocol.md), as the board simulator sends them. */
import { describe, expect, it } from 'vitest';
import { encodeAnalog, encodeDigitalPort } from '../../simulators/firmata-board.ts';

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
