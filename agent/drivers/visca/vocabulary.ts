/**
 * What VISCA commands and replies mean, for the subset OnAir uses.
 * Sources: Sony SRG-300H and FCB-EV7500 Technical Manuals, "Command List" and "Inquiry Command List".
 */

export const Commands = {
  /** [IF_Clear] 8x 01 00 01 FF → z0 50 FF: clears the command buffers, cancels what runs. */
  ifClear: [0x01, 0x00, 0x01],
  /** [CAM_Power] On 8x 01 04 00 02 FF. */
  powerOn: [0x01, 0x04, 0x00, 0x02],
  /** [CAM_Power] Off (standby) 8x 01 04 00 03 FF. */
  powerStandby: [0x01, 0x04, 0x00, 0x03],
  /** [CAM_Memory] Recall 8x 01 04 3F 02 pp FF. */
  presetRecall: (preset: number) => [0x01, 0x04, 0x3f, 0x02, checkPreset(preset)],
  /** [CAM_Memory] Set 8x 01 04 3F 01 pp FF. */
  presetSet: (preset: number) => [0x01, 0x04, 0x3f, 0x01, checkPreset(preset)],
} as const;

export const Inquiries = {
  /** [CAM_PowerInq] 8x 09 04 00 FF → y0 50 02 FF on, y0 50 03 FF standby. */
  power: [0x09, 0x04, 0x00],
  /** [CAM_VersionInq] 8x 09 00 02 FF → y0 50 GG GG HH HH JJ JJ KK FF. */
  version: [0x09, 0x00, 0x02],
  /** [CAM_MemoryInq] 8x 09 04 3F FF → y0 50 pp FF: last preset operated. */
  memory: [0x09, 0x04, 0x3f],
} as const;

/** [Error] codes of z0 6y EE FF. */
export const ERRORS: Readonly<Record<number, string>> = {
  0x01: 'message length error',
  0x02: 'syntax error',
  0x03: 'command buffer full (two commands already executing)',
  0x04: 'command cancelled',
  0x05: 'no socket',
  0x41: 'command not executable in the current mode',
};

export const errorText = (code: number): string => ERRORS[code] ?? `error 0x${code.toString(16).padStart(2, '0')}`;

/** Presets 0-254 (PTZOptics uses the whole byte; Sony models fewer: the camera answers a syntax error). */
export const MAX_PRESET = 254;

function checkPreset(preset: number): number {
  if (!Number.isInteger(preset) || preset < 0 || preset > MAX_PRESET)
    throw new RangeError(`preset must be an integer from 0 to ${MAX_PRESET}`);
  return preset;
}

export type PowerState = 'on' | 'standby';

export function parsePower(data: Buffer): PowerState {
  if (data.length === 1 && data[0] === 0x02) return 'on';
  if (data.length === 1 && data[0] === 0x03) return 'standby';
  throw new Error(`unexpected CAM_PowerInq answer ${[...data].join(' ')}`);
}

export interface VersionInfo {
  vendorId: number;
  modelId: number;
  romRevision: number;
  maxSockets: number;
}

export function parseVersion(data: Buffer): VersionInfo {
  if (data.length !== 7) throw new Error(`CAM_VersionInq answer has ${data.length} bytes, expected 7`);
  return { vendorId: data.readUInt16BE(0), modelId: data.readUInt16BE(2), romRevision: data.readUInt16BE(4), maxSockets: data[6]! };
}
