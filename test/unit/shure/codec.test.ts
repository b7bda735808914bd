/** Strings as written in Shure's ULX-D command strings. */
import { describe, expect, it } from 'vitest';
import { ShureFramer, encodeGet, encodeSet, parseMessage } from '../../../agent/drivers/shure/codec.ts';
import { decodeBatteryBars, decodeGain, decodeRunTime, decodeSample, encodeGain } from '../../../agent/drivers/shure/vocabulary.ts';

describe('Shure command strings', () => {
  it('encodes GET and SET, with and without a channel', () => {
    expect(encodeGet('BATT_BARS', 1)).toBe('< GET 1 BATT_BARS >');
    expect(encodeGet('ALL', 0)).toBe('< GET 0 ALL >');
    expect(encodeGet('FW_VER')).toBe('< GET FW_VER >');
    expect(encodeSet('AUDIO_MUTE', 'ON', 2)).toBe('< SET 2 AUDIO_MUTE ON >');
    expect(encodeSet('METER_RATE', '01000', 1)).toBe('< SET 1 METER_RATE 01000 >');
    expect(() => encodeSet('AUDIO_MUTE', 'O>N', 1)).toThrow();
    expect(() => encodeGet('batt bars', 1)).toThrow();
  });

  it('parses REP, REP ERR, SAMPLE and device properties', () => {
    expect(parseMessage(' REP 1 BATT_BARS 004 ')).toEqual({ type: 'REP', channel: 1, property: 'BATT_BARS', value: '004' });
    expect(parseMessage(' REP ERR ')).toEqual({ type: 'REP_ERR' });
    expect(parseMessage(' REP FW_VER {2.3.41} ')).toEqual({ type: 'REP', property: 'FW_VER', value: '{2.3.41}' });
    expect(parseMessage(' REP 1 CHAN_NAME {Vocal 1 } ')).toEqual({ type: 'REP', channel: 1, property: 'CHAN_NAME', value: '{Vocal 1 }' });
    expect(parseMessage(' SAMPLE 1 ALL AX 073 030 ')).toEqual({ type: 'SAMPLE', channel: 1, fields: ['ALL', 'AX', '073', '030'] });
    expect(parseMessage(' HELLO ')).toMatchObject({ type: 'invalid' });
  });

  it('converts values to units: gain offset 18 dB, 255/65535 mean unknown, SAMPLE offsets', () => {
    expect(encodeGain(0)).toBe('018');
    expect(encodeGain(-18)).toBe('000');
    expect(encodeGain(42)).toBe('060');
    expect(() => encodeGain(43)).toThrow(/-18 to 42/);
    expect(decodeGain('030')).toBe(12);
    expect(decodeBatteryBars('003')).toBe(3);
    expect(decodeBatteryBars('255')).toBeUndefined();
    expect(decodeRunTime('00312')).toBe(312);
    expect(decodeRunTime('65535')).toBeUndefined();
    expect(decodeRunTime('65534')).toBeUndefined();
    expect(decodeSample(['ALL', 'AX', '073', '030'])).toEqual({ antenna: 'AX', rfDbm: -55, audioDbfs: -20 });
    expect(decodeSample(['ALL', 'AX'])).toBeUndefined();
  });
});

describe('Shure framing', () => {
  it('frames on < … > with no line terminator, across chunk boundaries', () => {
    const got: string[] = [];
    const framer = new ShureFramer((b) => got.push(b.trim()));
    framer.push('< REP 1 BATT_BARS 005 >< REP 1 AUD');
    framer.push('IO_MUTE OFF >');
    expect(got).toEqual(['REP 1 BATT_BARS 005', 'REP 1 AUDIO_MUTE OFF']);
  });

  it('drops garbage outside messages and a message cut off by a new <', () => {
    const got: string[] = [];
    const framer = new ShureFramer((b) => got.push(b.trim()));
    framer.push('\u0013xx>< REP 1 TX_TY< REP ERR >\r\n');
    expect(got).toEqual(['REP ERR']);
    expect(framer.counters.garbageBytes).toBe(4 + 13);
  });

  it('never holds more than one message’s worth', () => {
    const got: string[] = [];
    const framer = new ShureFramer((b) => got.push(b.trim()));
    framer.push(`<${'A'.repeat(2_000)}`);
    framer.push('< REP ERR >');
    expect(got).toEqual(['REP ERR']);
    expect(framer.counters.oversized).toBe(1);
  });
});
