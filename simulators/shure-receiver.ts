/**
 * A Shure ULX-D receiver (ULXD4 / ULXD4D / ULXD4Q) — or, with `model: 'QLXD4'`, a QLX-D, which has
 * the same command strings but no AUDIO_MUTE — speaking its ASCII command strings over TCP
 * (port 2202 on the real unit) and optionally a serial line. Per Shure's ULX-D command strings:
 * GET/SET answered with REP (or `< REP ERR >` for bad format or range), REPs pushed on every change,
 * SAMPLE metering at METER_RATE. It parses on its own, sharing nothing with the driver's codec.
 */
import net from 'node:net';
import { closeDeviceEnd, openDeviceEnd } from './device-port.ts';
import type { SerialPort } from 'serialport';
import type { SimulatorLaunch } from './launch.ts';

/** truncated: sends half of its next message (no closing `>`), then nothing (a receiver that hangs mid-reply). */
export type ShureFault = 'none' | 'dead' | 'protocol-error' | 'slow' | 'garbage' | 'truncated';
export const SHURE_FAULTS: readonly ShureFault[] = ['none', 'dead', 'protocol-error', 'slow', 'garbage', 'truncated'];

export interface ShureChannel {
  name: string;
  txType: string; // ULXD2 … or UNKN
  batteryBars: number; // 0-5, 255 unknown
  runTimeMinutes: number; // 65535 unknown, 65534 calculating
  muted: boolean;
  gainRaw: number; // 0-60 (= -18 … +42 dB)
  interference: 'NONE' | 'CRITICAL';
  frequencyKhz: number;
  rfDbm: number;
  audioDbfs: number;
  meterRateMs: number;
}

interface Peer {
  write(text: string): void;
  close(): void;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export class ShureReceiverSimulator {
  readonly channels: ShureChannel[];
  connections = 0;
  private server: net.Server | undefined;
  private serial: SerialPort | undefined;
  private readonly peers = new Set<Peer>();
  private readonly meters = new Map<number, NodeJS.Timeout>();
  private fault: ShureFault = 'none';
  private refuseUntil = 0;
  /** Per channel: when its battery runs out on the simulator's clock, and until when it is still being calculated. */
  private readonly batteries = new Map<number, { endsAt: number; calculatingUntil: number }>();
  private batteryTimer: NodeJS.Timeout | undefined;
  private readonly calculating = new Set<NodeJS.Timeout>();
  port = 0;

  private readonly deviceProps: Record<string, string>;
  private readonly channelProps: readonly string[];

  /**
   * runTimeStepMs: how often the receiver re-estimates BATT_RUN_TIME (default 2 min), so the minutes
   * fall in steps as a real receiver's do; minuteMs: how long a minute of battery lasts (tests shorten it).
   */
  constructor(
    private readonly o: { channels?: number; slowMs?: number; model?: 'ULXD4' | 'QLXD4'; runTimeStepMs?: number; minuteMs?: number } = {},
  ) {
    const qlxd = o.model === 'QLXD4';
    this.deviceProps = qlxd ? { MODEL: '{QLXD4           }', FW_VER: '{2.5.2}', DEVICE_ID: '{QLXD4-A }' } : DEVICE_PROPS;
    // QLX-D has no AUDIO_MUTE: a GET or SET of it is answered REP ERR, as any unknown property.
    this.channelProps = qlxd ? CHANNEL_PROPS.filter((p) => p !== 'AUDIO_MUTE') : CHANNEL_PROPS;
    this.channels = Array.from({ length: o.channels ?? 1 }, (_, i) => ({
      name: `CH ${i + 1}`,
      txType: 'ULXD2',
      batteryBars: 5,
      runTimeMinutes: 480,
      muted: false,
      gainRaw: 18,
      interference: 'NONE',
      frequencyKhz: 470125 + i * 400,
      rfDbm: -55,
      audioDbfs: -20,
      meterRateMs: 0,
    }));
    const now = Date.now();
    this.channels.forEach((ch, i) => this.batteries.set(i + 1, { endsAt: now + ch.runTimeMinutes * this.minuteMs, calculatingUntil: 0 }));
  }

  private get minuteMs(): number {
    return this.o.minuteMs ?? 60_000;
  }

  /**
   * A transmitter with this many minutes of battery (a fresh or a tired one), counting down in real
   * time from now. With `calculatingMs`, the receiver first reports 65534 ("calculating", as after a
   * battery is inserted) for that long; `bars` sets BATT_BARS too (left alone otherwise).
   */
  setBattery(channel: number, minutes: number, o: { calculatingMs?: number; bars?: number } = {}): void {
    const now = Date.now();
    const calculatingUntil = o.calculatingMs ? now + o.calculatingMs : 0;
    this.batteries.set(channel, { endsAt: now + minutes * this.minuteMs, calculatingUntil });
    this.update(channel, { runTimeMinutes: calculatingUntil ? 65534 : minutes, ...(o.bars !== undefined ? { batteryBars: o.bars } : {}) });
    if (calculatingUntil) {
      const t = setTimeout(() => (this.calculating.delete(t), this.reestimate()), o.calculatingMs);
      this.calculating.add(t);
    }
  }

  /** The receiver's new estimate of each channel's run time: pushed when the minutes changed. */
  private reestimate(): void {
    const now = Date.now();
    for (const [channel, b] of this.batteries) {
      const ch = this.channels[channel - 1];
      if (!ch || ch.txType === 'UNKN' || now < b.calculatingUntil) continue;
      const minutes = Math.max(0, Math.floor((b.endsAt - now) / this.minuteMs));
      if (minutes === ch.runTimeMinutes) continue;
      ch.runTimeMinutes = minutes;
      this.broadcast(`< REP ${channel} BATT_RUN_TIME ${this.value(ch, 'BATT_RUN_TIME')} >`);
    }
  }

  private startBatteryClock(): void {
    this.batteryTimer ??= setInterval(() => this.reestimate(), this.o.runTimeStepMs ?? 120_000);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.startBatteryClock();
    this.server = net.createServer((socket) => {
      if (Date.now() < this.refuseUntil) return socket.destroy();
      this.connections += 1;
      socket.setNoDelay(true);
      const peer: Peer = { write: (t) => void socket.write(t, 'latin1'), close: () => socket.destroy() };
      this.peers.add(peer);
      let inbox = '';
      socket.on('data', (chunk) => (inbox = this.receive(inbox + chunk.toString('latin1'), peer)));
      socket.on('error', () => undefined);
      socket.on('close', () => this.peers.delete(peer));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  async openSerial(path: string, baudRate = 9600): Promise<void> {
    this.startBatteryClock();
    let inbox = '';
    const port = await openDeviceEnd(path, baudRate, (chunk) => (inbox = this.receive(inbox + chunk.toString('latin1'), peer)));
    const peer: Peer = { write: (t) => void port.write(Buffer.from(t, 'latin1')), close: () => port.close() };
    this.peers.add(peer);
    this.serial = port;
  }

  async stop(): Promise<void> {
    for (const t of this.meters.values()) clearInterval(t);
    this.meters.clear();
    clearInterval(this.batteryTimer);
    this.batteryTimer = undefined;
    for (const t of this.calculating) clearTimeout(t);
    this.calculating.clear();
    for (const p of this.peers) p.close();
    this.peers.clear();
    await closeDeviceEnd(this.serial);
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }

  setFault(fault: ShureFault): void {
    this.fault = fault;
  }

  /** Drop every connection and refuse new ones for a while (a receiver rebooting). */
  disconnect(forMs: number): void {
    this.refuseUntil = Date.now() + forMs;
    for (const p of [...this.peers]) if (p !== undefined) p.close();
  }

  /** Change a channel as the real world would (battery drains, transmitter switched off) and push REPs. */
  update(channel: number, change: Partial<ShureChannel>): void {
    const ch = this.channels[channel - 1]!;
    Object.assign(ch, change);
    // A run time set by hand counts down from now (65533 and up are states, not minutes).
    if (change.runTimeMinutes !== undefined && change.runTimeMinutes < 65533)
      this.batteries.set(channel, { endsAt: Date.now() + change.runTimeMinutes * this.minuteMs, calculatingUntil: 0 });
    // A transmitter switched off also takes its battery readings with it.
    const keys = Object.keys(change).concat('txType' in change ? ['batteryBars', 'runTimeMinutes'] : []);
    for (const key of new Set(keys)) {
      const prop = PROPERTY_OF[key as keyof ShureChannel];
      if (prop) this.broadcast(`< REP ${channel} ${prop} ${this.value(ch, prop)} >`);
    }
  }

  private receive(inbox: string, peer: Peer): string {
    let rest = inbox;
    for (;;) {
      const start = rest.indexOf('<');
      if (start < 0) return '';
      const end = rest.indexOf('>', start);
      if (end < 0) return rest.slice(start).length > 512 ? '' : rest.slice(start);
      this.handle(
        rest
          .slice(start + 1, end)
          .trim()
          .split(/\s+/),
        peer,
      );
      rest = rest.slice(end + 1);
    }
  }

  private handle(tokens: string[], peer: Peer): void {
    if (this.fault === 'dead') return;
    if (this.fault === 'protocol-error') return this.reply(peer, '< REP ERR >');
    const [verb, ...rest] = tokens;
    const hasChannel = /^[0-4]$/.test(rest[0] ?? '');
    const x = hasChannel ? Number(rest[0]) : undefined;
    const [prop, ...valueTokens] = hasChannel ? rest.slice(1) : rest;
    if (!prop || (verb !== 'GET' && verb !== 'SET')) return this.reply(peer, '< REP ERR >');
    if (this.deviceProps[prop] !== undefined) {
      return verb === 'GET' && !hasChannel
        ? this.reply(peer, `< REP ${prop} ${this.deviceProps[prop]} >`)
        : this.reply(peer, '< REP ERR >');
    }
    if (x === undefined || x > this.channels.length) return this.reply(peer, '< REP ERR >');
    const targets = x === 0 ? this.channels.map((_, i) => i + 1) : [x];
    if (verb === 'GET' && prop === 'ALL') {
      for (const [p, v] of Object.entries(this.deviceProps)) this.reply(peer, `< REP ${p} ${v} >`);
      for (const c of targets)
        for (const p of this.channelProps) this.reply(peer, `< REP ${c} ${p} ${this.value(this.channels[c - 1]!, p)} >`);
      return;
    }
    if (!this.channelProps.includes(prop)) return this.reply(peer, '< REP ERR >');
    if (verb === 'GET') {
      for (const c of targets) this.reply(peer, `< REP ${c} ${prop} ${this.value(this.channels[c - 1]!, prop)} >`);
      return;
    }
    const value = valueTokens.join(' ');
    for (const c of targets) if (!this.apply(c, prop, value)) return this.reply(peer, '< REP ERR >');
    // A SET is answered, and every other client is told, by a REP of the new value.
    for (const c of targets) this.broadcast(`< REP ${c} ${prop} ${this.value(this.channels[c - 1]!, prop)} >`);
  }

  private apply(channel: number, prop: string, value: string): boolean {
    const ch = this.channels[channel - 1]!;
    switch (prop) {
      case 'AUDIO_MUTE':
        if (value === 'TOGGLE') ch.muted = !ch.muted;
        else if (value === 'ON' || value === 'OFF') ch.muted = value === 'ON';
        else return false;
        return true;
      case 'AUDIO_GAIN': {
        if (!/^\d{1,3}$/.test(value) || Number(value) > 60) return false;
        ch.gainRaw = Number(value);
        return true;
      }
      case 'METER_RATE': {
        const ms = Number(value);
        if (!/^\d{1,5}$/.test(value) || (ms !== 0 && ms < 100)) return false;
        ch.meterRateMs = ms;
        this.meter(channel);
        return true;
      }
      default:
        return false; // read-only
    }
  }

  private meter(channel: number): void {
    clearInterval(this.meters.get(channel));
    const ch = this.channels[channel - 1]!;
    if (ch.meterRateMs === 0) return void this.meters.delete(channel);
    this.meters.set(
      channel,
      setInterval(() => {
        if (this.fault === 'dead') return;
        const present = ch.txType !== 'UNKN';
        const rf = present ? ch.rfDbm + 128 : 0;
        const audio = present ? ch.audioDbfs + 50 : 0;
        this.broadcast(`< SAMPLE ${channel} ALL ${present ? 'AX' : 'XX'} ${pad(rf, 3)} ${pad(audio, 3)} >`);
      }, ch.meterRateMs),
    );
  }

  private value(ch: ShureChannel, prop: string): string {
    switch (prop) {
      case 'CHAN_NAME':
        return `{${ch.name.padEnd(8).slice(0, 8)}}`;
      case 'TX_TYPE':
        return ch.txType;
      case 'BATT_BARS':
        return pad(ch.txType === 'UNKN' ? 255 : ch.batteryBars, 3);
      case 'BATT_RUN_TIME':
        return pad(ch.txType === 'UNKN' ? 65535 : ch.runTimeMinutes, 5);
      case 'AUDIO_MUTE':
        return ch.muted ? 'ON' : 'OFF';
      case 'AUDIO_GAIN':
        return pad(ch.gainRaw, 3);
      case 'RF_INT_DET':
        return ch.interference;
      case 'FREQUENCY':
        return pad(ch.frequencyKhz, 6);
      case 'METER_RATE':
        return pad(ch.meterRateMs, 5);
      default:
        return '';
    }
  }

  private reply(peer: Peer, text: string): void {
    if (this.fault === 'truncated') {
      peer.write(text.slice(0, Math.ceil(text.length / 2)));
      this.fault = 'dead';
      return;
    }
    const out = this.fault === 'garbage' ? `\u0013xx>${text}` : text;
    if (this.fault === 'slow') setTimeout(() => peer.write(out), this.o.slowMs ?? 1_000);
    else peer.write(out);
  }

  private broadcast(text: string): void {
    for (const peer of this.peers) this.reply(peer, text);
  }
}

const DEVICE_PROPS: Record<string, string> = { MODEL: '{ULXD4           }', FW_VER: '{2.3.41}', DEVICE_ID: '{ULXD4-A }' };
const CHANNEL_PROPS = [
  'CHAN_NAME',
  'TX_TYPE',
  'BATT_BARS',
  'BATT_RUN_TIME',
  'AUDIO_MUTE',
  'AUDIO_GAIN',
  'RF_INT_DET',
  'FREQUENCY',
  'METER_RATE',
];
const PROPERTY_OF: Partial<Record<keyof ShureChannel, string>> = {
  txType: 'TX_TYPE',
  batteryBars: 'BATT_BARS',
  runTimeMinutes: 'BATT_RUN_TIME',
  muted: 'AUDIO_MUTE',
  gainRaw: 'AUDIO_GAIN',
  interference: 'RF_INT_DET',
};

/** `onair simulate shure`: a two-channel ULXD4D on `--port`. */
export const launch: SimulatorLaunch = async (o) => {
  const receiver = new ShureReceiverSimulator({ channels: 2 });
  const port = await receiver.listen(o.port);
  return {
    stop: () => receiver.stop(),
    description: `Shure ULXD4D receiver on tcp 127.0.0.1:${port}. Agent config:\n  - { id: mic-1, driver: shure, kind: mic, options: { host: 127.0.0.1, port: ${port}, channel: 1 } }`,
  };
};
