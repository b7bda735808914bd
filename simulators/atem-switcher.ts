/**
 * A Blackmagic ATEM switcher on UDP (port 9910 on the real unit). Blackmagic publishes no wire spec;
 * this follows the format as documented by the community protocol notes (Skaarhoj, libqatemcontrol)
 * and summarised in ../shared/reference/device-protocols.md, written from that format and sharing no
 * code with atem-connection:
 * - every packet starts with a 12-byte header: 5 flag bits + 11-bit length, session id, the packet
 *   id acknowledged, 2 bytes of retransmit-from, 2 unused, the sender's packet id; flags: reliable
 *   (ack requested) 0x01, hello/new session 0x02, retransmit 0x04, retransmit request 0x08, ack 0x10;
 * - the client opens with a hello; the switcher answers with a hello, then on a new session id
 *   streams its state as command blocks (u16 length with the 8-byte block header, u16 reserved, 4
 *   ASCII characters, data), ending with `InCm` (initial state complete), every packet reliable;
 * - it pings each client with an empty reliable packet and forgets one that stops acknowledging;
 * - state blocks `_ver`, `_pin`, `_top`, `PrgI`/`PrvI` per M/E, `TlSr` tally by source, `Powr`;
 *   commands from the client `CPgI` program, `CPvI` preview, `DCut` cut, `DAut` auto, `TiRq` time
 *   request — each acknowledged; a program input the switcher does not have is ignored, as on the unit.
 */
import dgram from 'node:dgram';
import { chosen, type SimulatorLaunch } from './launch.ts';

export type AtemFault = 'none' | 'dead' | 'power-supply' | 'ignore-commands';
export const ATEM_FAULTS: readonly AtemFault[] = ['none', 'dead', 'power-supply', 'ignore-commands'];

const Flag = { Reliable: 0x01, Hello: 0x02, Retransmit: 0x04, RetransmitRequest: 0x08, Ack: 0x10 } as const;
const HEADER = 12;
const MAX_PAYLOAD = 1_400;
const PING_MS = 200;
const FORGET_AFTER_MS = 2_000;
/** Protocol 2.30 (firmware 8.1.1 and later): `_ver` is major << 16 | minor. */
const PROTOCOL_VERSION = (2 << 16) | 30;

export interface AtemModel {
  name: string;
  /** The product id byte of `_pin` (e.g. 14 ATEM Mini Pro, 26 ATEM Television Studio HD8). */
  id: number;
  inputs: number;
  mixEffects: number;
  powerSupplies: 1 | 2;
}

export const ATEM_MODELS = {
  'mini-pro': { name: 'ATEM Mini Pro', id: 14, inputs: 4, mixEffects: 1, powerSupplies: 1 },
  'tvs-hd8': { name: 'ATEM Television Studio HD8', id: 26, inputs: 8, mixEffects: 1, powerSupplies: 1 },
  '2me': { name: 'ATEM 2 M/E Production Switcher', id: 3, inputs: 20, mixEffects: 2, powerSupplies: 2 },
} as const satisfies Record<string, AtemModel>;

interface Client {
  address: string;
  port: number;
  session: number;
  nextId: number;
  lastAckAt: number;
  lastClientId: number;
}

export class AtemSwitcherSimulator {
  readonly program: number[];
  readonly preview: number[];
  /** When program last changed on M/E 1 (Date.now()). */
  programChangedAt = 0;
  /** Every command block name received from clients, in order. */
  readonly commands: string[] = [];
  port = 0;
  private socket: dgram.Socket | undefined;
  private readonly clients = new Map<string, Client>();
  private pinger: NodeJS.Timeout | undefined;
  private fault: AtemFault = 'none';
  private nextSession = 0x8001;

  constructor(readonly model: AtemModel = ATEM_MODELS['mini-pro']) {
    this.program = Array.from({ length: model.mixEffects }, () => 1);
    this.preview = Array.from({ length: model.mixEffects }, () => 2);
  }

  get sessions(): number {
    return this.clients.size;
  }

  async listen(port = this.port, host = '127.0.0.1'): Promise<number> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (packet, rinfo) => this.receive(packet, rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => resolve());
    });
    this.socket = socket;
    this.port = socket.address().port;
    this.pinger = setInterval(() => this.ping(), PING_MS);
    return this.port;
  }

  async stop(): Promise<void> {
    clearInterval(this.pinger);
    this.clients.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  setFault(fault: AtemFault): void {
    const before = this.fault;
    this.fault = fault;
    if (fault === 'power-supply' || before === 'power-supply') this.broadcast([this.powerBlock()]);
  }

  /** The director (or a panel) takes an input on the switcher itself. */
  takeOnPanel(input: number, me = 0): void {
    this.setProgram(me, input);
  }

  /** The director readies an input on preview. */
  previewOnPanel(input: number, me = 0): void {
    this.setPreview(me, input);
  }

  private receive(packet: Buffer, address: string, port: number): void {
    if (this.fault === 'dead' || packet.length < HEADER) return;
    const flags = packet[0]! >> 3;
    const length = packet.readUInt16BE(0) & 0x07ff;
    if (length !== packet.length) return; // a truncated or padded datagram is not a packet
    const key = `${address}:${port}`;
    if (flags & Flag.Hello) return this.hello(address, port, key);
    const client = this.clients.get(key);
    if (!client) return;
    if (flags & Flag.Ack) client.lastAckAt = Date.now();
    if (flags & Flag.Reliable) {
      const id = packet.readUInt16BE(10);
      this.send(client, Flag.Ack, Buffer.alloc(0), id); // acknowledge, even a repeat
      if (id === client.lastClientId) return;
      client.lastClientId = id;
      this.execute(client, packet.subarray(HEADER));
    }
  }

  private hello(address: string, port: number, key: string): void {
    const client: Client = { address, port, session: 0x53ab, nextId: 1, lastAckAt: Date.now(), lastClientId: -1 };
    // Hello answer on the client's session: 0x02 = connection accepted.
    const answer = Buffer.alloc(20);
    answer.writeUInt16BE((Flag.Hello << 11) | 20, 0);
    answer.writeUInt16BE(client.session, 2);
    answer[12] = 0x02;
    this.socket?.send(answer, port, address);
    client.session = this.nextSession;
    this.nextSession = this.nextSession >= 0xfffe ? 0x8001 : this.nextSession + 1;
    this.clients.set(key, client);
    setTimeout(() => this.sendState(client), 5);
  }

  private sendState(client: Client): void {
    const blocks = [
      block('_ver', u32(PROTOCOL_VERSION)),
      block('_pin', pinData(this.model)),
      block('_top', topologyData(this.model)),
      this.powerBlock(),
      ...this.program.map((input, me) => block('PrgI', meInput(me, input, 4))),
      ...this.preview.map((input, me) => block('PrvI', meInput(me, input, 8))),
      this.tallyBlock(),
      block('InCm', Buffer.from([0x01, 0x00, 0x00, 0x00])),
    ];
    // Packed into packets of at most MAX_PAYLOAD bytes, in order.
    let batch: Buffer[] = [];
    let size = 0;
    for (const b of blocks) {
      if (size + b.length > MAX_PAYLOAD) {
        this.send(client, Flag.Reliable, Buffer.concat(batch));
        ((batch = []), (size = 0));
      }
      batch.push(b);
      size += b.length;
    }
    if (batch.length) this.send(client, Flag.Reliable, Buffer.concat(batch));
  }

  private execute(client: Client, payload: Buffer): void {
    for (let at = 0; at + 8 <= payload.length;) {
      const length = payload.readUInt16BE(at);
      if (length < 8 || at + length > payload.length) return; // a malformed block ends the packet
      const name = payload.toString('latin1', at + 4, at + 8);
      const data = payload.subarray(at + 8, at + length);
      this.commands.push(name);
      at += length;
      if (this.fault === 'ignore-commands' && name !== 'TiRq') continue;
      const me = data.length > 0 ? data[0]! : 0;
      if (me >= this.model.mixEffects && name !== 'TiRq') continue;
      if (name === 'CPgI' && data.length >= 4) this.setProgram(me, data.readUInt16BE(2));
      else if (name === 'CPvI' && data.length >= 4) this.setPreview(me, data.readUInt16BE(2));
      else if (name === 'DCut') this.swap(me);
      else if (name === 'DAut')
        setTimeout(() => this.swap(me), 100); // a short mix: program changes at its end
      else if (name === 'TiRq') this.send(client, Flag.Reliable, block('Time', timeData()));
    }
  }

  private setProgram(me: number, input: number): void {
    if (input < 1 || input > this.model.inputs) return; // no such input: the switcher ignores it
    this.program[me] = input;
    if (me === 0) this.programChangedAt = Date.now();
    this.broadcast([block('PrgI', meInput(me, input, 4)), this.tallyBlock()]);
  }

  private setPreview(me: number, input: number): void {
    if (input < 1 || input > this.model.inputs) return;
    this.preview[me] = input;
    this.broadcast([block('PrvI', meInput(me, input, 8)), this.tallyBlock()]);
  }

  private swap(me: number): void {
    const [program, preview] = [this.program[me]!, this.preview[me]!];
    this.program[me] = preview;
    this.preview[me] = program;
    if (me === 0) this.programChangedAt = Date.now();
    this.broadcast([block('PrgI', meInput(me, preview, 4)), block('PrvI', meInput(me, program, 8)), this.tallyBlock()]);
  }

  private powerBlock(): Buffer {
    const all = this.model.powerSupplies === 2 ? 0b11 : 0b01;
    return block('Powr', Buffer.from([this.fault === 'power-supply' ? all & 0b10 : all, 0, 0, 0]));
  }

  /** Tally by source: bit 0 program, bit 1 preview, for every input. */
  private tallyBlock(): Buffer {
    const count = this.model.inputs;
    const data = Buffer.alloc(Math.ceil((2 + count * 3) / 4) * 4);
    data.writeUInt16BE(count, 0);
    for (let i = 0; i < count; i += 1) {
      const input = i + 1;
      data.writeUInt16BE(input, 2 + i * 3);
      data[4 + i * 3] = (this.program.includes(input) ? 0x01 : 0) | (this.preview.includes(input) ? 0x02 : 0);
    }
    return block('TlSr', data);
  }

  private broadcast(blocks: Buffer[]): void {
    if (this.fault === 'dead') return;
    for (const c of this.clients.values()) this.send(c, Flag.Reliable, Buffer.concat(blocks));
  }

  private ping(): void {
    const now = Date.now();
    for (const [key, c] of this.clients) {
      if (now - c.lastAckAt > FORGET_AFTER_MS)
        this.clients.delete(key); // the client is gone
      else if (this.fault !== 'dead') this.send(c, Flag.Reliable, Buffer.alloc(0));
    }
  }

  private send(client: Client, flags: number, payload: Buffer, ackId = 0): void {
    const packet = Buffer.alloc(HEADER + payload.length);
    packet.writeUInt16BE((flags << 11) | packet.length, 0);
    packet.writeUInt16BE(client.session, 2);
    if (flags & Flag.Ack) packet.writeUInt16BE(ackId, 4);
    if (flags & Flag.Reliable) {
      packet.writeUInt16BE(client.nextId, 10);
      client.nextId = (client.nextId + 1) & 0x7fff; // packet ids wrap at 15 bits
    }
    payload.copy(packet, HEADER);
    this.socket?.send(packet, client.port, client.address);
  }
}

/** One command block: u16 length (with its 8-byte header), u16 reserved, 4 ASCII characters, data. */
export function block(name: string, data: Buffer): Buffer {
  const b = Buffer.alloc(8 + data.length);
  b.writeUInt16BE(b.length, 0);
  b.write(name, 4, 4, 'latin1');
  data.copy(b, 8);
  return b;
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};

function meInput(me: number, input: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b[0] = me;
  b.writeUInt16BE(input, 2);
  return b;
}

/** `_pin`: the product name (40 bytes, NUL padded) and the product id. */
function pinData(model: AtemModel): Buffer {
  const b = Buffer.alloc(44);
  b.write(model.name.slice(0, 39), 0, 'latin1');
  b[40] = model.id;
  return b;
}

/** `_top` as protocol 2.30 lays it out: counts of M/Es, sources, keyers, aux outputs and the rest. */
function topologyData(model: AtemModel): Buffer {
  const b = Buffer.alloc(24);
  b[0] = model.mixEffects;
  b[1] = model.inputs + 4; // inputs, black, colour bars, colour generators …
  b[2] = 1; // downstream keyers
  b[3] = 1; // aux outputs
  b[5] = 1; // media players
  b[6] = 1; // multiviewers (2.30 and later)
  return b;
}

/** `Time`: hours, minutes, seconds, frames of the switcher's clock. */
function timeData(): Buffer {
  const now = new Date();
  return Buffer.from([now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), 0, 0, 0, 0, 0]);
}

/** `onair simulate atem`: the `--model` switcher on udp `--port`, with `--fault`. */
export const launch: SimulatorLaunch = async (o) => {
  const model = chosen('ATEM model', o.model, Object.keys(ATEM_MODELS) as Array<keyof typeof ATEM_MODELS>);
  const fault = chosen('fault', o.fault, ATEM_FAULTS);
  const atem = new AtemSwitcherSimulator(ATEM_MODELS[model]);
  const port = await atem.listen(o.port);
  atem.setFault(fault);
  return {
    stop: () => atem.stop(),
    description: `${atem.model.name} on udp 127.0.0.1:${port} (${atem.model.inputs} inputs, ${atem.model.mixEffects} M/E). Agent config:\n  - { id: atem-1, driver: atem, kind: switcher, options: { host: 127.0.0.1, port: ${port} } }`,
  };
};
