/**
 * The ATEM UDP format against literal bytes (community protocol notes, see
 * ../shared/reference/device-protocols.md): the 12-byte header, command blocks, and what the
 * driver's library puts on the wire for a take — captured by a bare UDP peer that is no simulator.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { AtemSession } from '../../../agent/drivers/atem/session.ts';
import { metricsOf, protocolVersion } from '../../../agent/drivers/atem/vocabulary.ts';
import { block } from '../../../simulators/atem-switcher.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
let peer: dgram.Socket | undefined;
afterEach(async () => {
  const p = peer;
  peer = undefined;
  if (p) await new Promise<void>((r) => p.close(() => r()));
});

describe('ATEM wire format', () => {
  it('a command block is u16 length with its 8-byte header, u16 reserved, 4 ASCII characters, data', () => {
    expect(block('CPgI', hex('00 00 00 03'))).toEqual(hex('000c 0000 43506749 00000003'));
    expect(block('InCm', hex('01 00 00 00'))).toEqual(hex('000c 0000 496e436d 01000000'));
  });

  it('_ver 2.30 is major << 16 | minor', () => {
    expect(protocolVersion(0x0002001e)).toBe('2.30');
  });

  it('the client opens with a hello, acknowledges the state, and sends a take as a reliable CPgI block', async () => {
    const socket = dgram.createSocket('udp4');
    peer = socket;
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const received: Buffer[] = [];
    const sent = (flags: number, session: number, id: number, payload: Buffer): Buffer => {
      const p = Buffer.alloc(12 + payload.length);
      p.writeUInt16BE((flags << 11) | p.length, 0);
      p.writeUInt16BE(session, 2);
      p.writeUInt16BE(id, 10);
      payload.copy(p, 12);
      return p;
    };
    socket.on('message', (packet, rinfo) => {
      received.push(packet);
      const flags = packet[0]! >> 3;
      if (flags & 0x02) {
        // Hello answer, then the state on session 0x8001 in one reliable packet (id 1).
        socket.send(sent(0x02, 0x53ab, 0, hex('02000000 00000000')), rinfo.port, rinfo.address);
        const top = Buffer.alloc(24);
        top[0] = 1; // one M/E
        const state = Buffer.concat([
          block('_ver', hex('0002001e')),
          block('_pin', Buffer.concat([Buffer.from('ATEM Mini Pro'.padEnd(40, '\0'), 'latin1'), hex('0e000000')])),
          block('_top', top),
          block('PrgI', hex('00000001')),
          block('PrvI', hex('0000000200000000')),
          block('InCm', hex('01000000')),
        ]);
        socket.send(sent(0x01, 0x8001, 1, state), rinfo.port, rinfo.address);
      } else if (flags & 0x01 && packet.length > 12) {
        const ack = Buffer.alloc(12);
        ack.writeUInt16BE((0x10 << 11) | 12, 0);
        ack.writeUInt16BE(0x8001, 2);
        ack.writeUInt16BE(packet.readUInt16BE(10), 4);
        socket.send(ack, rinfo.port, rinfo.address);
      }
    });
    const session = new AtemSession({ host: '127.0.0.1', port: socket.address().port, requestTimeoutMs: 500 });
    try {
      await session.connect(AbortSignal.timeout(3_000));
      expect(metricsOf(session.state!)).toMatchObject({
        model: 'ATEM Mini Pro',
        protocolVersion: '2.30',
        programInput: 1,
        previewInput: 2,
      });
      await session.send('change program', (a) => a.changeProgramInput(3, 0), AbortSignal.timeout(1_000));
      await new Promise((r) => setTimeout(r, 30)); // acks are gathered for up to 5 ms
      // Hello: flags 0x02, length 20, session 0x53ab; payload starts 0x01 (connect).
      const hello = received[0]!;
      expect(hello.readUInt16BE(0)).toBe((0x02 << 11) | 20);
      expect(hello.readUInt16BE(2)).toBe(0x53ab);
      expect(hello[12]).toBe(0x01);
      // Acks (flag 0x10, 12 bytes): of the hello answer on its session, then of the state packet
      // (id 1) on the new session.
      const acks = received
        .filter((p) => p[0]! >> 3 === 0x10)
        .map((p) => [p.readUInt16BE(0) & 0x7ff, p.readUInt16BE(2), p.readUInt16BE(4)]);
      expect(acks.slice(0, 2)).toEqual([
        [12, 0x53ab, 0],
        [12, 0x8001, 1],
      ]);
      // The take: reliable, session 0x8001, one CPgI block for M/E 0, input 3.
      const take = received.find((p) => p[0]! >> 3 === 0x01 && p.length > 12)!;
      expect(take.readUInt16BE(2)).toBe(0x8001);
      expect(take.subarray(12)).toEqual(hex('000c 0000 43506749 00 00 0003'));
    } finally {
      await session.close();
    }
  });
});
