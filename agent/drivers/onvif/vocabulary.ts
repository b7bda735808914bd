/** What ONVIF answers mean for OnAir: presets by name or token, clock offset, a real JPEG. */

/** `getPresets()` keys presets by NAME; GotoPreset needs the TOKEN. Accept either from users. */
export function resolvePreset(presets: Record<string, { $?: { token?: string | number } }>, wanted: string | number): string {
  const text = String(wanted);
  for (const [name, p] of Object.entries(presets)) {
    const token = p.$?.token;
    if (token !== undefined && String(token) === text) return String(token);
    if (name === text && token !== undefined) return String(token);
  }
  const known = Object.entries(presets).map(([name, p]) => `${name} (${String(p.$?.token)})`);
  throw new Error(`no preset "${text}"; presets: ${known.join(', ') || 'none'}`);
}

/**
 * Camera clock minus ours, to the second. The camera reports whole seconds [ONVIF Core §8.3.1],
 * truncated, so its true time lies in [t, t + 1 s): take the middle.
 */
export function clockOffsetMs(cameraTime: Date, now: number): number {
  return Math.round((cameraTime.getTime() + 500 - now) / 1000) * 1000 + 0; // + 0 turns -0 into 0
}

/** A JPEG starts with SOI (FF D8) and ends with EOI (FF D9). */
export function isJpeg(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[data.length - 2] === 0xff && data[data.length - 1] === 0xd9;
}
