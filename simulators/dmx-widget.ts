/**
 * An Enttec DMX USB Pro on a serial line with RDM fixtures on its universe. Per the widget API
 * v1.44 (0x7E label len-LSB len-MSB data 0xE7; labels 3, 6, 7, 10, 5 for received packets) and
 * OLA's label 12 for "no RDM reply"; fixtures per ANSI E1.20. Parses bytes on its own, sharing
 * nothing with the driver's codecs: a fixture ignores a request whose checksum is wrong, as a real one does.
 */
import type { SerialPort } from 'serialport';
import { closeDeviceEnd, openDeviceEnd } from './device-port.ts';
import { onPtyPair, type SimulatorLaunch } from './launch.ts';

/** truncated: sends half of its next message, then nothing (a widget that hangs mid-reply). */
export type WidgetFault = 'none' | 'dead' | 'garbage' | 'bad-end-byte' | 'truncated';
export type FixtureFault = 'none' | 'dead' | 'slow' | 'overheat' | 'error-status';

export interface SimulatedFixture {
  uid: string; // mmmm:dddddddd
  modelId: number;
  startAddress: number;
  footprint: number;
  temperatureC: number;
  lampHours?: number; // undefined: an LED fixture, LAMP_HOURS is an unknown PID
  deviceHours: number;
  fault: FixtureFault;
  /** Warming (or cooling) at a steady rate from a temperature at a time: what a trend forecast reads. */
  warming?: { fromC: number; at: number; perMinute: number };
}

export class EnttecWidgetSimulator {
  /** What the widget outputs on the DMX line: the last frame it received, held until the next (or a power cycle). */
  readonly universe = new Uint8Array(512);
  readonly fixtures: SimulatedFixture[];
  dmxFrames = 0;
  /** Every frame received (its first 32 slots), as a DMX analyser on the line would show them: outputs nobody asked for show up here. */
  readonly frames: number[][] = [];
  private port: SerialPort | undefined;
  private inbox: number[] = [];
  private fault: WidgetFault = 'none';

  constructor(
    private readonly path: string,
    fixtures: Array<Partial<SimulatedFixture> & { uid: string }>,
    private readonly serial = '12345678',
  ) {
    this.fixtures = fixtures.map((f, i) => ({
      modelId: 0x0101,
      startAddress: 1 + i * 8,
      footprint: 8,
      temperatureC: 45,
      deviceHours: 900,
      fault: 'none',
      ...f,
    }));
  }

  async start(): Promise<void> {
    this.port = await openDeviceEnd(this.path, 57600, (chunk) => this.receive(chunk));
  }

  async stop(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    await closeDeviceEnd(port);
  }

  setFault(fault: WidgetFault): void {
    this.fault = fault;
  }

  /** Unpowered and back: the held frame is gone (the line carries nothing until the host sends one). */
  powerCycle(): void {
    this.universe.fill(0);
  }

  /** The fixture's temperature climbs (or falls) by `perMinute` °C a minute from now, from where it is. */
  warm(uid: string, perMinute: number): void {
    const f = this.fixture(uid);
    f.warming = { fromC: temperatureOf(f), at: Date.now(), perMinute };
  }

  fixture(uid: string): SimulatedFixture {
    const f = this.fixtures.find((x) => x.uid === uid);
    if (!f) throw new Error(`no fixture ${uid}`);
    return f;
  }

  private receive(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.inbox.length === 0 && byte !== 0x7e) continue;
      this.inbox.push(byte);
      if (this.inbox.length < 4) continue;
      const length = this.inbox[2]! + 256 * this.inbox[3]!;
      if (length > 600) {
        this.inbox = [];
        continue;
      }
      if (this.inbox.length === length + 5) {
        const message = this.inbox;
        this.inbox = [];
        if (message[message.length - 1] !== 0xe7) continue; // not a message: the real widget ignores it
        this.handle(message[1]!, message.slice(4, 4 + length));
      }
    }
  }

  private handle(label: number, data: number[]): void {
    if (this.fault === 'dead') return;
    switch (label) {
      case 3: // Get Widget Parameters: firmware 1.44, break 9 (×10.67 µs ≈ 96 µs), MAB 1, 40 packets/s
        return this.send(3, [44, 1, 9, 1, 40]);
      case 10: // Serial number, BCD, least significant byte first
        return this.send(10, Buffer.from(this.serial, 'hex').reverse());
      case 6: // Output Only Send DMX: start code 0 then slots
        if (data[0] !== 0x00 || data.length > 513) return;
        this.universe.set(data.slice(1));
        this.dmxFrames += 1;
        this.frames.push(data.slice(1, 33));
        if (this.frames.length > 10_000) this.frames.shift();
        return;
      case 7:
        return this.rdm(data);
      default:
        return; // labels we do not model are ignored, as the widget ignores unknown labels
    }
  }

  private rdm(p: number[]): void {
    const sum = (bytes: number[]) => bytes.reduce((a, b) => (a + b) & 0xffff, 0);
    const timeout = () => this.send(12, []);
    if (p.length < 26 || p[0] !== 0xcc || p[1] !== 0x01) return timeout();
    const length = p[2]!;
    if (p.length !== length + 2 || sum(p.slice(0, length)) !== p[length]! * 256 + p[length + 1]!) return timeout(); // bad checksum: no fixture answers
    const dest = hex(p.slice(3, 9));
    const fixture = this.fixtures.find((f) => f.uid.replace(':', '') === dest);
    if (!fixture || fixture.fault === 'dead') return timeout();
    const cc = p[20]!;
    const pid = p[21]! * 256 + p[22]!;
    const pd = p.slice(24, 24 + p[23]!);
    if (cc !== 0x20) return this.respond(p, fixture, 0x02, [0x00, 0x05]); // NACK: unsupported command class
    const answer = this.answer(fixture, pid, pd);
    if (answer === 'unknown-pid') return this.respond(p, fixture, 0x02, [0x00, 0x00]);
    if (answer === 'format') return this.respond(p, fixture, 0x02, [0x00, 0x01]);
    this.respond(p, fixture, 0x00, answer);
  }

  private answer(f: SimulatedFixture, pid: number, pd: number[]): number[] | 'unknown-pid' | 'format' {
    switch (pid) {
      case 0x0060: // DEVICE_INFO [E1.20 §10.5.1]
        return [
          0x01,
          0x00,
          ...u16(f.modelId),
          ...u16(0x0101),
          ...u32(0x01020304),
          ...u16(f.footprint),
          1,
          1,
          ...u16(f.startAddress),
          ...u16(0),
          1,
        ];
      case 0x0201: {
        // SENSOR_VALUE [E1.20 §10.7.2]: sensor 0 is the temperature
        if (pd.length !== 1) return 'format';
        if (pd[0] !== 0) return 'format';
        const t = f.fault === 'overheat' ? 97 : temperatureOf(f);
        return [0, ...u16(t), ...u16(20), ...u16(Math.max(t, 60)), ...u16(0)];
      }
      case 0x0401: // LAMP_HOURS
        return f.lampHours === undefined ? 'unknown-pid' : u32(f.lampHours);
      case 0x0400: // DEVICE_HOURS
        return u32(f.deviceHours);
      case 0x0030: // STATUS_MESSAGES [E1.20 §10.3.1]
        if (pd.length !== 1) return 'format';
        return f.fault === 'error-status' ? [...u16(0), 0x04, ...u16(0x0003), ...u16(0), ...u16(0)] : [];
      default:
        return 'unknown-pid';
    }
  }

  private respond(request: number[], f: SimulatedFixture, responseType: number, pd: number[]): void {
    const body = [
      0xcc,
      0x01,
      24 + pd.length,
      ...request.slice(9, 15),
      ...Buffer.from(f.uid.replace(':', ''), 'hex'),
      request[15]!,
      responseType,
      0,
      request[18]!,
      request[19]!,
      request[20]! + 1,
      request[21]!,
      request[22]!,
      pd.length,
      ...pd,
    ];
    const sum = body.reduce((a, b) => (a + b) & 0xffff, 0);
    const reply = () => this.send(5, [0x00, ...body, sum >> 8, sum & 0xff]); // label 5: status byte 0, then the packet
    if (f.fault === 'slow') setTimeout(reply, 250);
    else reply();
  }

  private send(label: number, data: ArrayLike<number>): void {
    const bytes = [0x7e, label, data.length & 0xff, data.length >> 8, ...Array.from(data), this.fault === 'bad-end-byte' ? 0x00 : 0xe7];
    if (this.fault === 'truncated') {
      this.port?.write(Buffer.from(bytes.slice(0, Math.ceil(bytes.length / 2))));
      this.fault = 'dead';
      return;
    }
    const out = this.fault === 'garbage' ? [0x00, 0xe7, 0x13, ...bytes] : bytes;
    this.port?.write(Buffer.from(out));
  }
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const hex = (bytes: number[]) => Buffer.from(bytes).toString('hex');

/** `onair simulate dmx`: a widget on a pty pair with one RDM fixture at address 1. */
export const launch: SimulatorLaunch = async () =>
  onPtyPair(
    async (path) => {
      const widget = new EnttecWidgetSimulator(path, [{ uid: '7ff0:00000101', startAddress: 1, footprint: 4 }]);
      await widget.start();
      return widget;
    },
    (path, method) =>
      `Enttec DMX USB Pro with RDM fixture 7ff0:00000101 at address 1 on a ${method} pty pair. Agent config:\n  - { id: light-1, driver: dmx, kind: light, options: { path: ${path}, address: 1, footprint: 4, uid: "7ff0:00000101", scenes: { key: [255, 255, 200, 0] } } }`,
  );

/** Whole degrees, as SENSOR_VALUE carries them: the set temperature, or where the warming has got to. */
function temperatureOf(f: SimulatedFixture): number {
  if (!f.warming) return f.temperatureC;
  return Math.round(f.warming.fromC + (f.warming.perMinute * (Date.now() - f.warming.at)) / 60_000);
}
