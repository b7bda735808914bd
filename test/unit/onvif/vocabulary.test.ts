import { describe, expect, it } from 'vitest';
import { clockOffsetMs, isJpeg, resolvePreset } from '../../../agent/drivers/onvif/vocabulary.ts';
import { SNAPSHOT, passwordDigest } from '../../../simulators/onvif-camera.ts';

describe('ONVIF vocabulary', () => {
  const presets = { wide: { $: { token: 1 } }, close: { $: { token: '7' } } };

  it('resolves presets by name or token (getPresets keys by name, GotoPreset needs the token)', () => {
    expect(resolvePreset(presets, 'wide')).toBe('1');
    expect(resolvePreset(presets, 7)).toBe('7');
    expect(resolvePreset(presets, '1')).toBe('1');
    expect(() => resolvePreset(presets, 'stage')).toThrow('no preset "stage"; presets: wide (1), close (7)');
  });

  it('measures the clock offset to the second the camera reports', () => {
    expect(clockOffsetMs(new Date('2026-01-01T00:02:00Z'), Date.parse('2026-01-01T00:00:00.400Z'))).toBe(120_000);
    expect(clockOffsetMs(new Date('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00.400Z'))).toBe(0);
    expect(clockOffsetMs(new Date('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00.900Z'))).toBe(0); // truncated, not behind
    expect(clockOffsetMs(new Date('2025-12-31T23:59:30Z'), Date.parse('2026-01-01T00:00:00.200Z'))).toBe(-30_000);
  });

  it('tells a JPEG from an empty or truncated body', () => {
    expect(isJpeg(SNAPSHOT)).toBe(true);
    expect(isJpeg(Buffer.alloc(0))).toBe(false);
    expect(isJpeg(SNAPSHOT.subarray(0, 20))).toBe(false);
  });
});

describe('WS-UsernameToken (ONVIF Application Programmer’s Guide example)', () => {
  it('PasswordDigest = Base64(SHA1(nonce ‖ Created ‖ password))', () => {
    expect(passwordDigest('LKqI6G/AikKCQrN0zqZFlg==', '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });
});
