/**
 * What ULX-D / QLX-D receiver properties mean (Shure command strings), in units a technician reads.
 * SAMPLE offsets (RF dBm = value - 128, audio dBFS = value - 50) as verified on hardware by
 * Bitfocus Companion's Shure module; the value ranges below are Shure's.
 */

export const Props = {
  batteryBars: 'BATT_BARS', // 000-005, 255 = unknown
  batteryRunTime: 'BATT_RUN_TIME', // minutes; 65535 unknown, 65534 calculating, 65533 communication warning
  transmitterType: 'TX_TYPE', // ULXD1, ULXD2, ULXD6, ULXD8, QLXD1, QLXD2, UNKN (no transmitter)
  audioMute: 'AUDIO_MUTE', // ON, OFF (SET also takes TOGGLE)
  audioGain: 'AUDIO_GAIN', // 000-060 = -18 to +42 dB
  interference: 'RF_INT_DET', // NONE, CRITICAL
  meterRate: 'METER_RATE', // ms between SAMPLEs; 0 = off
  frequency: 'FREQUENCY', // kHz, 6 digits
  channelName: 'CHAN_NAME',
} as const;

export const GAIN_OFFSET_DB = 18;
export const GAIN_MIN_DB = -18;
export const GAIN_MAX_DB = 42;

export function encodeGain(db: number): string {
  if (!Number.isInteger(db) || db < GAIN_MIN_DB || db > GAIN_MAX_DB)
    throw new RangeError(`gain must be a whole number of dB from ${GAIN_MIN_DB} to ${GAIN_MAX_DB}`);
  return String(db + GAIN_OFFSET_DB).padStart(3, '0');
}

export function decodeGain(value: string): number {
  return Number(value) - GAIN_OFFSET_DB;
}

/** Battery bars 0-5, or undefined when the receiver does not know (255). */
export function decodeBatteryBars(value: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 5 ? n : undefined;
}

/** Minutes left, or undefined for 65535 (unknown), 65534 (calculating), 65533 (communication warning). */
export function decodeRunTime(value: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n < 65533 ? n : undefined;
}

export const transmitterPresent = (txType: string): boolean => txType !== '' && txType !== 'UNKN' && txType !== 'UNKNOWN';

export interface Sample {
  /** Antenna diversity: AX, XB or XX (X = not in use). */
  antenna: string;
  rfDbm: number;
  audioDbfs: number;
}

/** ULX-D / QLX-D `< SAMPLE x ALL aa rrr ddd >`. */
export function decodeSample(fields: string[]): Sample | undefined {
  const [all, antenna, rf, audio] = fields;
  if (all !== 'ALL' || !antenna || rf === undefined || audio === undefined) return undefined;
  const rfValue = Number(rf);
  const audioValue = Number(audio);
  if (!Number.isFinite(rfValue) || !Number.isFinite(audioValue)) return undefined;
  return { antenna, rfDbm: rfValue - 128, audioDbfs: audioValue - 50 };
}
