/**
 * A Sony VISCA PTZ camera on a serial line, byte for byte per Sony's manuals (SRG-300H
 * "VISCA Command/Acknowledge Protocol", FCB-EV7500 "Command List"). It parses bytes on its own,
 * sharing nothing with the driver's codec, so a codec bug cannot hide behind a shared mistake.
 */
import type { SerialPort } from 'serialport';
import { closeDeviceEnd, openDeviceEnd } from './device-port.ts';
import type { Logger } from '../lib/logger.ts';
import { chosen, onPtyPair, type SimulatorLaunch } from './launch.ts';

export type ViscaFault = 'none' | 'dead' | 'protocol-error' | 'slow' | 'garbage' | 'hang-mid-reply';
export const VISCA_FAULTS: readonly ViscaFault[] = ['none', 'dead', 'protocol-error', 'slow', 'garbage', 'hang-mid-reply'];

export interface ViscaCameraOptions {
  path: string;
  baudRate?: number;
  address?: number;
  /** How long a preset recall moves before completion. */
  moveMs?: number;
  powerOnMs?: number;
  slowMs?: number;
  /** Highest preset number this model stores (Sony FCB: 0x7F); higher ones are a syntax error. */
  maxPreset?: number;
  version?: { vendor: number; model: number; rom: number };
  log?: Logger;
}

export class ViscaCameraSimulator {
  power: 'on' | 'standby' = 'on';
  lastPreset = 0;
  readonly received: Buffer[] = [];
  private port: SerialPort | undefined;
  private fault: ViscaFault = 'none';
  private inbox: number[] = [];
  private readonly sockets = new Map<number, NodeJS.Timeout>();
  private readonly o: Required<Omit<ViscaCameraOptions, 'log'>> & { log?: Logger };

  constructor(options: ViscaCameraOptions) {
    this.o = {
      baudRate: 9600,
      address: 1,
      moveMs: 150,
      powerOnMs: 300,
      slowMs: 1_000,
      maxPreset: 0x7f,
      version: { vendor: 0x0020, model: 0x0467, rom: 0x0110 },
      ...options,
    };
  }

  async start(): Promise<void> {
    // A device does not flock its end of the cable; drivers do (two agents on one port must fail).
    this.port = await openDeviceEnd(this.o.path, this.o.baudRate, (chunk) => this.receive(chunk));
  }

  async stop(): Promise<void> {
    for (const timer of this.sockets.values()) clearTimeout(timer);
    this.sockets.clear();
    const port = this.port;
    this.port = undefined;
    await closeDeviceEnd(port);
  }

  setFault(fault: ViscaFault): void {
    this.fault = fault;
  }

  private receive(chunk: Buffer): void {
    for (const byte of chunk) {
      this.inbox.push(byte);
      if (byte === 0xff) {
        const packet = Buffer.from(this.inbox);
        this.inbox = [];
        this.received.push(packet);
        this.handle(packet);
      } else if (this.inbox.length > 16) {
        // [Error] z0 6y 01: message length error (longer than a packet may be).
        this.inbox = [];
        this.reply([this.z(), 0x60, 0x01, 0xff]);
      }
    }
  }

  private z(): number {
    return (this.o.address + 8) << 4;
  }

  private handle(packet: Buffer): void {
    const header = packet[0]!;
    if (header === 0x88) return this.broadcast(packet);
    if ((header & 0xf0) !== 0x80 || (header & 0x0f) !== this.o.address) return; // not a packet for us
    if (this.fault === 'dead') return;
    if (this.fault === 'protocol-error') return this.reply([this.z(), 0x60, 0x02, 0xff]);
    const body = [...packet.subarray(1, -1)];
    if (body.length === 1 && (body[0]! & 0xf0) === 0x20) return this.cancel(body[0]! & 0x0f);
    if (body[0] === 0x01) return this.command(body);
    if (body[0] === 0x09) return this.inquiry(body);
    this.syntaxError();
  }

  private broadcast(packet: Buffer): void {
    if (this.fault === 'dead') return;
    const body = [...packet.subarray(1, -1)];
    if (same(body, [0x01, 0x00, 0x01])) {
      this.cancelAll();
      this.reply([...packet]); // [IF_Clear broadcast] returned unchanged
    } else if (same(body, [0x30, 0x01])) {
      this.reply([0x88, 0x30, this.o.address + 1, 0xff]); // [Address] the device address plus 1
    }
  }

  private command(body: number[]): void {
    if (same(body, [0x01, 0x00, 0x01])) {
      this.cancelAll();
      return this.reply([this.z(), 0x50, 0xff]); // [IF_Clear] z0 50 FF, no ACK
    }
    if (same(body, [0x01, 0x04, 0x00, 0x02])) return this.execute(this.o.powerOnMs, () => (this.power = 'on'));
    if (same(body, [0x01, 0x04, 0x00, 0x03])) return this.execute(50, () => (this.power = 'standby'));
    if (body.length === 5 && same(body.slice(0, 3), [0x01, 0x04, 0x3f]) && body[3]! <= 0x02) {
      const preset = body[4]!;
      if (preset > this.o.maxPreset) return this.syntaxError();
      if (this.power !== 'on') return this.notExecutable();
      if (body[3] === 0x02) return this.execute(this.o.moveMs, () => (this.lastPreset = preset));
      return this.execute(30, () => undefined); // set / reset store the current position
    }
    this.syntaxError();
  }

  private inquiry(body: number[]): void {
    const z = this.z();
    if (same(body, [0x09, 0x04, 0x00])) return this.reply([z, 0x50, this.power === 'on' ? 0x02 : 0x03, 0xff]);
    if (same(body, [0x09, 0x00, 0x02])) {
      const { vendor, model, rom } = this.o.version;
      return this.reply([z, 0x50, vendor >> 8, vendor & 0xff, model >> 8, model & 0xff, rom >> 8, rom & 0xff, 0x02, 0xff]);
    }
    if (same(body, [0x09, 0x04, 0x3f])) return this.reply([z, 0x50, this.lastPreset, 0xff]);
    this.syntaxError();
  }

  /** ACK into a free socket, completion when done; a third command finds the buffer full. */
  private execute(durationMs: number, effect: () => void): void {
    const socket = [1, 2].find((s) => !this.sockets.has(s));
    if (socket === undefined) return this.reply([this.z(), 0x60, 0x03, 0xff]);
    this.reply([this.z(), 0x40 | socket, 0xff]);
    this.sockets.set(
      socket,
      setTimeout(() => {
        this.sockets.delete(socket);
        effect();
        this.reply([this.z(), 0x50 | socket, 0xff]);
      }, durationMs),
    );
  }

  private cancel(socket: number): void {
    const timer = this.sockets.get(socket);
    if (!timer) return this.reply([this.z(), 0x60 | socket, 0x05, 0xff]); // [No Socket]
    clearTimeout(timer);
    this.sockets.delete(socket);
    this.reply([this.z(), 0x60 | socket, 0x04, 0xff]); // [Command Cancelled], no completion follows
  }

  private cancelAll(): void {
    for (const timer of this.sockets.values()) clearTimeout(timer);
    this.sockets.clear();
  }

  private syntaxError(): void {
    this.reply([this.z(), 0x60, 0x02, 0xff]);
  }

  /** [Command Not Executable] z0 6y 41 FF, in place of an ACK (SRG-300H example: 90 61 41 FF). */
  private notExecutable(): void {
    const socket = [1, 2].find((s) => !this.sockets.has(s)) ?? 1;
    this.reply([this.z(), 0x60 | socket, 0x41, 0xff]);
  }

  private reply(bytes: number[]): void {
    let out = Buffer.from(bytes);
    if (this.fault === 'garbage') out = Buffer.concat([Buffer.from([0x13, 0x00, 0xff, 0x7e]), out]);
    if (this.fault === 'hang-mid-reply') {
      out = out.subarray(0, Math.max(1, out.length - 2)); // cut before the terminator, then silence
      this.fault = 'dead';
    }
    const send = (): void => void this.port?.write(out);
    if (this.fault === 'slow') setTimeout(send, this.o.slowMs);
    else send();
  }
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** `onair simulate visca`: a camera at `--address` on a pty pair, with `--fault`. */
export const launch: SimulatorLaunch = async (o) => {
  const fault = chosen('fault', o.fault, VISCA_FAULTS);
  return onPtyPair(
    async (path) => {
      const camera = new ViscaCameraSimulator({ path, address: o.address });
      await camera.start();
      camera.setFault(fault);
      return camera;
    },
    (path, method) =>
      `VISCA camera (address ${o.address}) on a ${method} pty pair. Agent config:\n  - { id: ptz-1, driver: visca, kind: camera, options: { path: ${path}, address: ${o.address} } }`,
  );
};
