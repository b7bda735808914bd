/**
 * The wire codecs fed byte streams as a serial port or socket delivers them: frames from the specs
 * (literal vectors) and made-up ones, cut short, noise between them, long runs of one byte, in
 * chunks of any size. Properties: no exception escapes; a framer accounts for every byte (framed,
 * dropped as garbage, or held) and never holds more than one maximal frame; a session settles every
 * request it was given once reset; a parser recovers at the next frame.
 */
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { expect } from 'vitest';
import { guardedFirmata, MAX_FRAME_BYTES } from '../../agent/drivers/firmata/guarded-transport.ts';
import { MAX_PACKET, ViscaFramer, decodeReply } from '../../agent/drivers/visca/codec.ts';
import { ViscaSession } from '../../agent/drivers/visca/session.ts';
import { MAX_MESSAGE } from '../../agent/drivers/shure/codec.ts';
import { ShureSession } from '../../agent/drivers/shure/session.ts';
import { Props } from '../../agent/drivers/shure/vocabulary.ts';
import {
  Label,
  MAX_DATA,
  WidgetFramer,
  decodeParameters,
  decodeSerialNumber,
  encodeMessage,
  type WidgetMessage,
} from '../../agent/drivers/dmx/widget-codec.ts';
import {
  Pid,
  checksum,
  decodeDeviceInfo,
  decodeHours,
  decodePacket,
  decodeSensorValue,
  decodeStatusMessages,
} from '../../agent/drivers/dmx/rdm.ts';
import { FakeLink } from '../support/fake-link.ts';
import { byteStream } from './arbitraries.ts';
import type { FuzzTarget, Verdict } from './target.ts';

const hexBytes = (text: string): Uint8Array => Uint8Array.from(text.split(/\s+/).map((h) => parseInt(h, 16)));
const total = (chunks: Buffer[]): number => chunks.reduce((n, c) => n + c.length, 0);
/** Whether the promises have settled by the next turn of the event loop (which every run then takes, so no callback piles up). */
async function settledNow(promises: Promise<unknown>[]): Promise<boolean> {
  let settled = false;
  void Promise.all(promises).then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return settled;
}
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    () => 'rejected',
  );
/** Timers alive in this process: a session that settled everything must leave none behind. */
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** [VISCA Command/Acknowledge Protocol, SRG-300H manual]: ACK, completion, errors, inquiry answers, network change, broadcasts. */
const VISCA_REPLIES = [
  '90 41 FF',
  '90 42 FF',
  '90 51 FF',
  '90 52 FF',
  '90 60 02 FF',
  '90 60 03 FF',
  '90 61 04 FF',
  '90 62 05 FF',
  '90 61 41 FF',
  '90 50 02 FF',
  '90 50 03 FF',
  '90 50 00 04 00 00 FF',
  '90 38 FF',
  '88 01 00 01 FF',
  '88 30 02 FF',
  'A0 41 FF',
].map(hexBytes);
const viscaFrame = fc.oneof(
  fc.constantFrom(...VISCA_REPLIES),
  fc
    .tuple(fc.integer({ min: 0x80, max: 0xfe }), fc.uint8Array({ max: 0x7f, maxLength: 16 }))
    .map(([header, body]) => Uint8Array.of(header, ...body, 0xff)),
);

export const viscaTarget: FuzzTarget<Buffer[]> = {
  name: 'VISCA framer + session',
  async: true,
  input: byteStream(viscaFrame),
  async check(chunks): Promise<Verdict> {
    const timersBefore = timers();
    const frames: Buffer[] = [];
    const framer = new ViscaFramer((f) => frames.push(f));
    const session = new ViscaSession({ address: 1, write: async () => undefined, firstAnswerTimeoutMs: 60_000 });
    const command = (preset: number) =>
      outcome(session.command([0x01, 0x04, 0x3f, 0x02, preset], { priority: 'action', completionTimeoutMs: 60_000 }));
    const requests = [command(1), command(2), outcome(session.inquiry([0x09, 0x04, 0x00], { priority: 'probe' }))];
    for (const chunk of chunks) {
      framer.push(chunk);
      expect(framer.held).toBeLessThan(MAX_PACKET);
    }
    expect(
      frames.reduce((n, f) => n + f.length, 0) + framer.counters.garbageBytes + framer.held,
      'every byte framed, dropped or held',
    ).toBe(total(chunks));
    let understood = 0;
    for (const frame of frames) {
      expect(frame.length).toBeLessThanOrEqual(MAX_PACKET);
      expect(frame[0]).toBeGreaterThanOrEqual(0x80);
      expect(frame.at(-1)).toBe(0xff);
      expect(frame.subarray(1, -1).every((b) => b < 0x80)).toBe(true);
      if (decodeReply(frame).kind !== 'invalid') understood += 1;
      session.onFrame(frame);
    }
    session.reset('end of input');
    expect(await settledNow(requests), 'every request settled').toBe(true);
    expect(session.busy).toEqual({ queued: 0, executing: 0 });
    expect(timers(), 'no timer left behind').toBeLessThanOrEqual(timersBefore);
    return understood > 0 ? 'accepted' : 'refused';
  },
};

/** [Shure ULX-D command strings]: REPs, REP ERR, SAMPLE. */
const SHURE_MESSAGES = [
  '< REP 1 BATT_BARS 005 >',
  '< REP 1 BATT_BARS 255 >',
  '< REP ERR >',
  '< SAMPLE 1 ALL AX 102 045 >',
  '< REP 1 AUDIO_MUTE ON >',
  '< REP 1 TX_TYPE ULXD2 >',
  '< REP 1 AUDIO_GAIN 030 >',
  '< REP 1 BATT_RUN_TIME 65535 >',
  '< REP 1 RF_INT_DET CRITICAL >',
  '< REP DEVICE_ID {ulxd4          } >',
];
const shureFrame = fc.oneof(
  fc.constantFrom(...SHURE_MESSAGES).map((m) => Buffer.from(m, 'latin1')),
  fc
    .tuple(
      fc.constantFrom('REP', 'REP 1', 'REP 0', 'REP 9', 'SAMPLE 1 ALL', 'GET', 'SET', 'REP ERR', ''),
      fc.string({ maxLength: 30, unit: 'binary' }),
    )
    .map(([verb, rest]) => Buffer.from(`< ${verb} ${rest} >`, 'latin1')),
  fc.string({ maxLength: 12, unit: fc.constantFrom('A', 'Z', '_', '0', ' ') }).map((name) => Buffer.from(`< REP 1 ${name} 1 >`, 'latin1')),
);

export const shureTarget: FuzzTarget<Buffer[]> = {
  name: 'Shure framer + session',
  async: true,
  input: byteStream(shureFrame),
  async check(chunks): Promise<Verdict> {
    const timersBefore = timers();
    const link = new FakeLink();
    const session = new ShureSession({ link, channel: 1, answerTimeoutMs: 60_000, now: () => 0 });
    const requests = [
      outcome(session.get(Props.batteryBars, { priority: 'probe' })),
      outcome(session.set(Props.audioMute, 'ON', { priority: 'action' })),
    ];
    for (const chunk of chunks) {
      link.receive(chunk);
      expect(session.framer.held).toBeLessThanOrEqual(MAX_MESSAGE + 1);
    }
    expect(session.state.values.size, 'only properties OnAir reads are kept').toBeLessThanOrEqual(Object.keys(Props).length);
    session.reset('end of input');
    expect(await settledNow(requests), 'every request settled').toBe(true);
    expect(timers(), 'no timer left behind').toBeLessThanOrEqual(timersBefore);
    const { messages } = session.framer.counters;
    return messages > session.counters.invalidMessages ? 'accepted' : 'refused';
  },
};

/** An RDM response [E1.20 §6.2] with a correct checksum, for the widget to carry in label 5. */
const rdmResponse = fc
  .record({
    pid: fc.constantFrom(Pid.deviceInfo, Pid.sensorValue, Pid.deviceHours, Pid.lampHours, Pid.statusMessages, 0x1234),
    data: fc.uint8Array({ maxLength: 40 }),
    tx: fc.nat(255),
    responseType: fc.nat(3),
  })
  .map(({ pid, data, tx, responseType }) => {
    const body = Buffer.alloc(24 + data.length);
    body.set(
      [0xcc, 0x01, 24 + data.length, 0x7f, 0xf0, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, tx, responseType, 0, 0, 0, 0x21],
      0,
    );
    body.writeUInt16BE(pid, 21);
    body[23] = data.length;
    body.set(data, 24);
    const sum = Buffer.alloc(2);
    sum.writeUInt16BE(checksum(body));
    return Uint8Array.from(encodeMessage(Label.receivedPacket, Buffer.concat([Buffer.from([0]), body, sum])));
  });
/** [Enttec DMX USB Pro API]: parameters reply (label 3), serial number (label 10), RDM timeout (label 12); [OLA] a DISC_MUTE reply. */
const WIDGET_MESSAGES = [
  '7E 03 05 00 2C 01 09 01 28 E7',
  '7E 0A 04 00 78 56 34 12 E7',
  '7E 0C 00 00 E7',
  '7E 05 1B 00 00 cc 01 18 7a 70 00 00 00 00 7a 70 12 34 56 78 00 00 00 00 00 10 00 02 00 03 df E7',
].map(hexBytes);
const widgetFrame = fc.oneof(
  fc.constantFrom(...WIDGET_MESSAGES),
  rdmResponse,
  fc
    .tuple(fc.constantFrom(3, 5, 10, 12, 0, 255), fc.uint8Array({ maxLength: 64 }))
    .map(([label, data]) => Uint8Array.from(encodeMessage(label, data))),
  fc
    .tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 64 }))
    .map(([head, rest]) => Uint8Array.of(0x7e, ...head, ...rest)),
);

/** A decoder that refuses bytes by throwing an Error (its caller turns that into a failed probe). */
function refusesCleanly(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return false;
  }
}

export const enttecTarget: FuzzTarget<Buffer[]> = {
  name: 'Enttec widget framer + RDM',
  input: byteStream(widgetFrame),
  check(chunks): Verdict {
    const messages: WidgetMessage[] = [];
    const framer = new WidgetFramer((m) => messages.push(m));
    for (const chunk of chunks) {
      framer.push(chunk);
      expect(framer.held).toBeLessThan(MAX_DATA + 5);
    }
    expect(
      messages.reduce((n, m) => n + m.data.length + 5, 0) + framer.counters.garbageBytes + framer.held,
      'every byte framed, dropped or held',
    ).toBe(total(chunks));
    let understood = 0;
    for (const m of messages) {
      if (m.label === Label.getParameters && refusesCleanly(() => decodeParameters(m.data))) understood += 1;
      if (m.label === Label.getSerialNumber && refusesCleanly(() => decodeSerialNumber(m.data))) understood += 1;
      if (m.label !== Label.receivedPacket || m.data.length < 2) continue;
      const packet = decodePacket(m.data.subarray(1));
      if ('invalid' in packet) continue;
      understood += 1;
      const decoder = {
        [Pid.deviceInfo]: decodeDeviceInfo,
        [Pid.sensorValue]: decodeSensorValue,
        [Pid.deviceHours]: decodeHours,
        [Pid.lampHours]: decodeHours,
        [Pid.statusMessages]: decodeStatusMessages,
      }[packet.pid];
      if (decoder) refusesCleanly(() => decoder(packet.data));
    }
    return understood > 0 ? 'accepted' : 'refused';
  },
};

/** A port as firmata-io sees it: the fuzz plays the board. */
class BoardLine extends EventEmitter {
  readonly isOpen = true;
  write(): boolean {
    return true;
  }
}

/** [Firmata protocol]: REPORT_VERSION, analog and digital messages, the firmware report, a capability response; and F0 79 F7, which once killed the agent. */
const FIRMATA_FRAMES = [
  'F9 02 05',
  'E0 7F 07',
  'E1 00 00',
  '90 01 00',
  'F0 79 02 05 53 00 74 00 F7',
  'F0 6C 00 01 01 01 7F 00 01 01 01 03 08 7F F7',
  'F0 6E 02 01 01 F7',
  'F0 79 F7',
  'F0 6A 7F 7F F7',
  'F0 71 41 00 F7',
].map(hexBytes);
const firmataFrame = fc.oneof(
  fc.constantFrom(...FIRMATA_FRAMES),
  fc
    .tuple(fc.integer({ min: 0x60, max: 0x7f }), fc.uint8Array({ max: 0x7f, maxLength: 30 }))
    .map(([command, data]) => Uint8Array.of(0xf0, command, ...data, 0xf7)),
);

/** One board line for the whole run, as a real one lives across many frames (firmata-io keeps state between them). */
export function firmataTarget(): FuzzTarget<Buffer[]> {
  const line = new BoardLine();
  let garbled = 0;
  const io = guardedFirmata(line, () => (garbled += 1), { reportVersionTimeout: 2 ** 31 - 1 });
  return {
    name: 'Firmata (firmata-io behind the guard)',
    input: byteStream(firmataFrame),
    check(chunks): Verdict {
      const garbledBefore = garbled;
      for (const chunk of chunks) {
        expect(() => line.emit('data', chunk), 'nothing escapes the guard').not.toThrow();
        expect(io.buffer.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      }
      // Whatever came before, the parser reads the next version report (the first may only end a cut-off message).
      io.version = {};
      line.emit('data', Buffer.from([0xf9, 0x02, 0x05, 0xf9, 0x02, 0x05]));
      expect(io.version, 'parses again after the input').toEqual({ major: 2, minor: 5 });
      return garbled > garbledBefore ? 'refused' : 'accepted';
    },
  };
}
