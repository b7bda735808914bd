import { describe, expect, it } from 'vitest';
import {
  Label,
  WidgetFramer,
  decodeParameters,
  decodeSerialNumber,
  encodeDmx,
  encodeMessage,
} from '../../../agent/drivers/dmx/widget-codec.ts';
import {
  CommandClass,
  Pid,
  decodeDeviceInfo,
  decodePacket,
  decodeSensorValue,
  decodeStatusMessages,
  encodeRequest,
  formatUid,
  parseUid,
} from '../../../agent/drivers/dmx/rdm.ts';

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('Enttec widget messages (API v1.44)', () => {
  it('frames a request: 7E label len-LSB len-MSB data E7', () => {
    expect(encodeMessage(Label.getParameters, Buffer.from([0, 0]))).toEqual(bytes('7E 03 02 00 00 00 E7'));
    expect(encodeMessage(Label.getSerialNumber)).toEqual(bytes('7E 0A 00 00 E7'));
    const dmx = encodeDmx(new Uint8Array(512).fill(0x10));
    expect(dmx.subarray(0, 5)).toEqual(bytes('7E 06 01 02 00')); // 513 bytes: start code + 512 slots
    expect(dmx.length).toBe(518);
    expect(dmx.at(-1)).toBe(0xe7);
    expect(() => encodeMessage(6, new Uint8Array(601))).toThrow(/600/);
  });

  it('reads widget parameters and the BCD serial number', () => {
    expect(decodeParameters(bytes('2C 01 09 01 28'))).toEqual({ firmware: '1.44', breakTime: 9, mabTime: 1, refreshRate: 40 });
    expect(decodeSerialNumber(bytes('78 56 34 12'))).toBe('12345678');
  });

  it('reassembles split messages, resynchronises on garbage and on a wrong end byte', () => {
    const got: string[] = [];
    const framer = new WidgetFramer((m) => got.push(`${m.label}:${m.data.toString('hex')}`));
    framer.push(bytes('00 13 7E 0A 04'));
    framer.push(bytes('00 78 56 34 12 E7'));
    framer.push(bytes('7E 0C 00 00 00')); // end byte wrong: not a message
    framer.push(bytes('7E 0C 00 00 E7'));
    expect(got).toEqual(['10:78563412', '12:']);
    expect(framer.counters.badEndByte).toBe(1);
    expect(framer.counters.garbageBytes).toBeGreaterThanOrEqual(2);
  });

  it('drops an impossible length at once instead of waiting for 64 KiB', () => {
    const got: number[] = [];
    const framer = new WidgetFramer((m) => got.push(m.label));
    framer.push(bytes('7E 05 FF FF'));
    framer.push(bytes('7E 03 00 00 E7'));
    expect(got).toEqual([3]);
    expect(framer.counters.oversized).toBe(1);
  });
});

describe('RDM packets (ANSI E1.20)', () => {
  // From the Open Lighting Project's RDM tests: DISC_MUTE from 7a70:12345678 to 7a70:00000000, checksum 0x03DF.
  const OLA_DISC_MUTE = bytes('cc 01 18 7a 70 00 00 00 00 7a 70 12 34 56 78 00 00 00 00 00 10 00 02 00 03 df');

  it('decodes and checks a packet from another implementation', () => {
    const p = decodePacket(OLA_DISC_MUTE);
    expect(p).toMatchObject({ transaction: 0, commandClass: CommandClass.discovery, pid: 0x0002, data: Buffer.alloc(0) });
    expect('source' in p && formatUid(p.source)).toBe('7a70:12345678');
    const corrupted = Buffer.from(OLA_DISC_MUTE);
    corrupted[25] = corrupted[25]! ^ 1;
    expect(decodePacket(corrupted)).toEqual({ invalid: 'checksum 0x03de should be 0x03df' });
  });

  it('encodes GET DEVICE_INFO byte for byte (checksum summed by hand: 0x0540)', () => {
    const packet = encodeRequest({
      destination: parseUid('1234:56789abc'),
      source: parseUid('7ff0:00000001'),
      transaction: 0,
      port: 1,
      commandClass: CommandClass.get,
      pid: Pid.deviceInfo,
    });
    expect(packet).toEqual(bytes('cc 01 18 12 34 56 78 9a bc 7f f0 00 00 00 01 00 01 00 00 00 20 00 60 00 05 40'));
  });

  it('reads DEVICE_INFO, SENSOR_VALUE and STATUS_MESSAGES fields', () => {
    expect(decodeDeviceInfo(bytes('0100 0101 0101 01020304 0008 01 01 0011 0000 01'))).toMatchObject({
      rdmVersion: 0x0100,
      modelId: 0x0101,
      footprint: 8,
      startAddress: 17,
      sensors: 1,
    });
    expect(decodeSensorValue(bytes('00 002d 0014 003c 0000'))).toEqual({ sensor: 0, present: 45, lowest: 20, highest: 60 });
    expect(decodeSensorValue(bytes('00 fff6 fff6 0000 0000')).present).toBe(-10);
    expect(decodeStatusMessages(bytes('0000 04 0003 0000 0000'))).toEqual([{ subDevice: 0, type: 4, messageId: 3, value1: 0, value2: 0 }]);
    expect(() => decodeDeviceInfo(bytes('0100'))).toThrow(/19/);
    expect(() => parseUid('7ff0-1')).toThrow(/UID/);
  });
});
