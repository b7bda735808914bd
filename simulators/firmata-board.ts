/**
 * An Arduino Uno running StandardFirmata 2.5 on a serial line, per the Firmata protocol
 * (firmata/protocol: protocol.md, capability-query, analog-mapping). A relay on a digital pin,
 * tally LEDs, and a light sensor (photoresistor) on A0 whose reading the test or the demo sets.
 * Implements the bytes itself; it shares nothing with firmata-io.
 */
import type { SerialPort } from 'serialport';
import { closeDeviceEnd, openDeviceEnd } from './device-port.ts';
import { onPtyPair, type SimulatorLaunch } from './launch.ts';

/**
 * - dead: silent; - slow: every message 300 ms late; - garbage: stray data bytes between messages;
 * - protocol-error: answers queries with a truncated sysex; - truncated: sends half of its next message, then
 * nothing (a board that hangs mid-message). Disconnect-and-return: unplug the pty pair.
 */
export type FirmataFault = 'none' | 'dead' | 'slow' | 'garbage' | 'protocol-error' | 'truncated';

/** [protocol.md] message types */
export const REPORT_VERSION = 0xf9;
export const ANALOG_MESSAGE = 0xe0;
export const DIGITAL_MESSAGE = 0x90;
export const SET_PIN_MODE = 0xf4;
export const SET_DIGITAL_PIN_VALUE = 0xf5;
export const REPORT_ANALOG = 0xc0;
export const REPORT_DIGITAL = 0xd0;
export const START_SYSEX = 0xf0;
export const END_SYSEX = 0xf7;
export const SYSTEM_RESET = 0xff;
/** [protocol.md sysex commands] */
export const ANALOG_MAPPING_QUERY = 0x69;
export const ANALOG_MAPPING_RESPONSE = 0x6a;
export const CAPABILITY_QUERY = 0x6b;
export const CAPABILITY_RESPONSE = 0x6c;
export const PIN_STATE_QUERY = 0x6d;
export const PIN_STATE_RESPONSE = 0x6e;
export const REPORT_FIRMWARE = 0x79;
export const SAMPLING_INTERVAL = 0x7a;

const Mode = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, PULLUP: 0x0b } as const;
const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
const PIN_COUNT = 20; // D0-D13, A0-A5 as 14-19

/** ANALOG_MESSAGE 0xE0|channel, value LSB (7 bits), value MSB (7 bits). */
export const encodeAnalog = (channel: number, value: number): number[] => [ANALOG_MESSAGE | channel, value & 0x7f, (value >> 7) & 0x7f];
/** DIGITAL_MESSAGE 0x90|port, pins 0-6 of the port, pin 7 of the port. */
export const encodeDigitalPort = (port: number, bits: number): number[] => [DIGITAL_MESSAGE | port, bits & 0x7f, (bits >> 7) & 0x01];

export class FirmataBoardSimulator {
  readonly modes: number[] = Array(PIN_COUNT).fill(Mode.OUTPUT);
  readonly values: number[] = Array(PIN_COUNT).fill(0);
  /** Photoresistor on A0, 0-1023. */
  light = 180;
  private port: SerialPort | undefined;
  private inbox: number[] = [];
  private readonly reportAnalog = new Set<number>();
  private samplingMs = 19;
  private sampler: NodeJS.Timeout | undefined;
  private fault: FirmataFault = 'none';

  constructor(private readonly path: string) {}

  async start(): Promise<void> {
    // A board that is plugged in (or reset, as an Uno is when its port opens) starts with every pin
    // an output driven low and no analog reporting: whatever the host had set is gone.
    this.modes.fill(Mode.OUTPUT);
    this.values.fill(0);
    this.reportAnalog.clear();
    this.inbox = [];
    this.port = await openDeviceEnd(this.path, 57600, (chunk) => this.receive(chunk));
    // An Uno resets when its port opens and then announces itself (the driver may miss this).
    this.announce();
    this.restartSampler();
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    const port = this.port;
    this.port = undefined;
    await closeDeviceEnd(port);
  }

  setFault(fault: FirmataFault): void {
    this.fault = fault;
  }

  /** Bytes as they are, for frames no well-behaved board sends (garbage, truncated or malformed sysex). */
  sendRaw(bytes: readonly number[]): void {
    this.port?.write(Buffer.from(bytes));
  }

  digital(pin: number): number {
    return this.values[pin]!;
  }

  private announce(): void {
    this.send([REPORT_VERSION, 2, 5]);
    this.send([START_SYSEX, REPORT_FIRMWARE, 2, 5, ...sevenBitString('StandardFirmata.ino'), END_SYSEX]);
  }

  private receive(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.fault === 'dead') continue;
      if (this.inbox.length === 0 && byte < 0x80) continue; // data byte without a command: resync
      if (byte >= 0x80 && byte !== END_SYSEX && this.inbox[0] !== START_SYSEX) this.inbox = [];
      this.inbox.push(byte);
      this.tryHandle();
    }
  }

  private tryHandle(): void {
    const m = this.inbox;
    const command = m[0]! < START_SYSEX ? m[0]! & 0xf0 : m[0]!;
    const done = () => (this.inbox = []);
    switch (command) {
      case REPORT_VERSION:
        done();
        return this.send([REPORT_VERSION, 2, 5]);
      case SYSTEM_RESET:
        done();
        this.reportAnalog.clear();
        return;
      case START_SYSEX:
        if (m[m.length - 1] !== END_SYSEX) {
          if (m.length > 64) done();
          return;
        }
        done();
        return this.sysex(m.slice(1, -1));
      case SET_PIN_MODE:
        if (m.length < 3) return;
        done();
        this.modes[m[1]!] = m[2]!;
        return;
      case SET_DIGITAL_PIN_VALUE:
        if (m.length < 3) return;
        done();
        this.values[m[1]!] = m[2]! ? 1 : 0;
        return;
      case DIGITAL_MESSAGE: {
        if (m.length < 3) return;
        done();
        const port = m[0]! & 0x0f;
        const bits = m[1]! | (m[2]! << 7);
        for (let i = 0; i < 8; i += 1) {
          const pin = port * 8 + i;
          if (pin < PIN_COUNT && this.modes[pin] === Mode.OUTPUT) this.values[pin] = (bits >> i) & 1;
        }
        return;
      }
      case REPORT_ANALOG:
        if (m.length < 2) return;
        done();
        if (m[1]) this.reportAnalog.add(m[0]! & 0x0f);
        else this.reportAnalog.delete(m[0]! & 0x0f);
        return;
      case REPORT_DIGITAL:
        if (m.length < 2) return;
        done();
        return;
      case ANALOG_MESSAGE: // PWM/analog write from the host
        if (m.length < 3) return;
        done();
        return;
      default:
        done();
    }
  }

  private sysex(body: number[]): void {
    switch (body[0]) {
      case REPORT_FIRMWARE:
        return this.send([START_SYSEX, REPORT_FIRMWARE, 2, 5, ...sevenBitString('StandardFirmata.ino'), END_SYSEX]);
      case CAPABILITY_QUERY: {
        if (this.fault === 'protocol-error') return this.send([START_SYSEX, CAPABILITY_RESPONSE, 0x00]); // cut off: no END_SYSEX
        // Per pin: (mode, resolution) pairs, then 0x7F. D0/D1 carry the serial link: no modes.
        const pins: number[] = [];
        for (let pin = 0; pin < PIN_COUNT; pin += 1) {
          if (pin >= 2) pins.push(Mode.INPUT, 1, Mode.OUTPUT, 1, Mode.PULLUP, 1);
          if (PWM_PINS.has(pin)) pins.push(Mode.PWM, 8, Mode.SERVO, 14);
          if (pin >= 14) pins.push(Mode.ANALOG, 10);
          pins.push(0x7f);
        }
        return this.send([START_SYSEX, CAPABILITY_RESPONSE, ...pins, END_SYSEX]);
      }
      case ANALOG_MAPPING_QUERY:
        return this.send([
          START_SYSEX,
          ANALOG_MAPPING_RESPONSE,
          ...Array.from({ length: PIN_COUNT }, (_, pin) => (pin >= 14 ? pin - 14 : 0x7f)),
          END_SYSEX,
        ]);
      case PIN_STATE_QUERY: {
        const pin = body[1]!;
        return this.send([START_SYSEX, PIN_STATE_RESPONSE, pin, this.modes[pin] ?? 0, this.values[pin] ?? 0, END_SYSEX]);
      }
      case SAMPLING_INTERVAL:
        this.samplingMs = Math.max(10, (body[1] ?? 19) | ((body[2] ?? 0) << 7));
        return this.restartSampler();
      default:
        return;
    }
  }

  private restartSampler(): void {
    clearInterval(this.sampler);
    this.sampler = setInterval(() => {
      if (this.fault === 'dead') return;
      for (const channel of this.reportAnalog) this.send(encodeAnalog(channel, channel === 0 ? this.light : 0));
    }, this.samplingMs);
  }

  private send(bytes: number[]): void {
    if (this.fault === 'dead') return;
    if (this.fault === 'truncated') {
      this.port?.write(Buffer.from(bytes.slice(0, Math.ceil(bytes.length / 2))));
      this.fault = 'dead';
      return;
    }
    // Data bytes (< 0x80) with no command before them: a receiver must skip them.
    const out = Buffer.from(this.fault === 'garbage' ? [0x13, 0x00, 0x42, ...bytes] : bytes);
    if (this.fault === 'slow') setTimeout(() => this.port?.write(out), 300);
    else this.port?.write(out);
  }
}

/** Sysex strings: each character as two 7-bit bytes, LSB first. */
function sevenBitString(text: string): number[] {
  return [...text].flatMap((c) => [c.charCodeAt(0) & 0x7f, (c.charCodeAt(0) >> 7) & 0x7f]);
}

/** `onair simulate firmata`: an Uno on a pty pair, a light sensor on A0. */
export const launch: SimulatorLaunch = async () =>
  onPtyPair(
    async (path) => {
      const board = new FirmataBoardSimulator(path);
      await board.start();
      return board;
    },
    (path, method) =>
      `Arduino Uno with StandardFirmata 2.5 on a ${method} pty pair (light sensor on A0). Agent config:\n  - { id: gpio-1, driver: firmata, kind: gpio, options: { path: ${path}, relays: { cam-1-power: 7 }, tallies: { cam-1: 12, cam-2: 13 }, lightSensor: { pin: A0 } } }`,
  );
