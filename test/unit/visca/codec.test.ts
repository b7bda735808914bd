/** Byte vectors from Sony's manuals (SRG-300H "VISCA Command/Acknowledge Protocol", FCB-EV7500 "Command List"). */
import { describe, expect, it } from 'vitest';
import { ViscaFramer, decodeReply, encodeBroadcast, encodePacket } from '../../../agent/drivers/visca/codec.ts';
import { Commands, Inquiries, parsePower, parseVersion } from '../../../agent/drivers/visca/vocabulary.ts';

const bytes = (text: string) => Buffer.from(text.split(' ').map((h) => parseInt(h, 16)));

describe('VISCA encoding (spec vectors)', () => {
  it.each([
    ['CAM_Power On', Commands.powerOn, '81 01 04 00 02 FF'],
    ['CAM_Power Standby', Commands.powerStandby, '81 01 04 00 03 FF'],
    ['CAM_Memory Recall 5', Commands.presetRecall(5), '81 01 04 3F 02 05 FF'],
    ['CAM_Memory Set 0', Commands.presetSet(0), '81 01 04 3F 01 00 FF'],
    ['IF_Clear', Commands.ifClear, '81 01 00 01 FF'],
    ['CAM_PowerInq', Inquiries.power, '81 09 04 00 FF'],
    ['CAM_VersionInq', Inquiries.version, '81 09 00 02 FF'],
  ])('%s', (_name, body, expected) => {
    expect(encodePacket(1, body)).toEqual(bytes(expected));
  });

  it('addresses cameras 1-7 in the header and broadcasts with 88', () => {
    expect(encodePacket(3, Inquiries.power)).toEqual(bytes('83 09 04 00 FF'));
    expect(encodeBroadcast([0x01, 0x00, 0x01])).toEqual(bytes('88 01 00 01 FF'));
    expect(() => encodePacket(8, Inquiries.power)).toThrow(/address/);
    expect(() => encodePacket(1, [0x01, 0xff])).toThrow(/out of range/);
    expect(() => Commands.presetRecall(255)).toThrow(/preset/);
  });
});

describe('VISCA replies (spec vectors)', () => {
  it.each([
    ['90 41 FF', { kind: 'ack', from: 1, socket: 1 }],
    ['90 42 FF', { kind: 'ack', from: 1, socket: 2 }],
    ['90 51 FF', { kind: 'completion', from: 1, socket: 1, data: Buffer.alloc(0) }],
    ['90 60 02 FF', { kind: 'error', from: 1, socket: 0, code: 0x02 }],
    ['90 60 03 FF', { kind: 'error', from: 1, socket: 0, code: 0x03 }],
    ['90 62 04 FF', { kind: 'error', from: 1, socket: 2, code: 0x04 }],
    ['90 62 05 FF', { kind: 'error', from: 1, socket: 2, code: 0x05 }],
    ['90 61 41 FF', { kind: 'error', from: 1, socket: 1, code: 0x41 }],
    ['A0 38 FF', { kind: 'network-change', from: 2 }],
    ['88 30 02 FF', { kind: 'broadcast', body: bytes('30 02') }],
  ])('%s', (frame, expected) => {
    expect(decodeReply(bytes(frame))).toEqual(expected);
  });

  it('reads the power and version inquiries', () => {
    const power = decodeReply(bytes('90 50 02 FF'));
    expect(power.kind === 'completion' && parsePower(power.data)).toBe('on');
    const standby = decodeReply(bytes('90 50 03 FF'));
    expect(standby.kind === 'completion' && parsePower(standby.data)).toBe('standby');
    // FCB-EV7500: vendor 0020 (Sony), model 0467, ROM revision, 2 sockets.
    const version = decodeReply(bytes('90 50 00 20 04 67 01 10 02 FF'));
    expect(version.kind === 'completion' && parseVersion(version.data)).toEqual({
      vendorId: 0x0020,
      modelId: 0x0467,
      romRevision: 0x0110,
      maxSockets: 2,
    });
  });

  it('rejects frames that are not replies', () => {
    expect(decodeReply(bytes('81 01 04 00 02 FF'))).toMatchObject({ kind: 'invalid' });
    expect(decodeReply(bytes('90 41 00 FF'))).toMatchObject({ kind: 'invalid' });
    expect(decodeReply(bytes('90 FF'))).toMatchObject({ kind: 'invalid' });
  });
});

describe('VISCA framing', () => {
  it('reassembles split frames and resynchronises after garbage', () => {
    const frames: string[] = [];
    const framer = new ViscaFramer((f) => frames.push(f.toString('hex')));
    framer.push(bytes('00 13 FF 90'));
    framer.push(bytes('41'));
    framer.push(bytes('FF 7F 90 51 FF'));
    expect(frames).toEqual(['9041ff', '9051ff']);
    expect(framer.counters).toEqual({ frames: 2, garbageBytes: 4, oversized: 0 });
  });

  it('drops a run longer than a packet and never buffers more than 16 bytes', () => {
    const frames: string[] = [];
    const framer = new ViscaFramer((f) => frames.push(f.toString('hex')));
    framer.push(Buffer.from([0x90, ...Array<number>(30).fill(0x01)]));
    framer.push(bytes('90 50 02 FF'));
    expect(frames).toEqual(['905002ff']);
    expect(framer.counters.oversized).toBe(1);
  });

  it('drops a reply cut off mid-way when the next one starts', () => {
    const frames: string[] = [];
    const framer = new ViscaFramer((f) => frames.push(f.toString('hex')));
    framer.push(bytes('90 50 00 20 04')); // the device hung here
    framer.push(bytes('90 50 02 FF'));
    expect(frames).toEqual(['905002ff']);
    expect(framer.counters.garbageBytes).toBe(5);
  });
});
