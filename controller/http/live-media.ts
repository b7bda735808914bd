/**
 * The wall's content picture of each watched device (protocols/live-media.ts), kept from the health
 * the controller hears: O(1) per health message, one entry per device that has media metrics, so
 * the wall's once-a-second poll is answered from memory without touching the store.
 */
import { CONTENT_CHECKS, MEDIA_METRICS, isContentFault, type ContentFault } from '../../protocols/media.ts';
import type { LiveMediaDevice, LiveMediaView } from '../../protocols/live-media.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';

const SOUND_CHECK: (typeof CONTENT_CHECKS)[number] = 'sound';
const key = (agent: string, device: string): string => `${agent}/${device}`;
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The media part of one health message, or undefined for a device without a media watch. */
export function liveMediaOf(
  agent: string,
  device: string,
  health: Pick<DeviceHealth, 'metrics' | 'checks' | 'ts'>,
): Omit<LiveMediaDevice, 'picture'> | undefined {
  const m = health.metrics;
  const sound = health.checks.some((c) => c.name === SOUND_CHECK);
  const faultsText = m[MEDIA_METRICS.contentFaults];
  const peakDbfs = finite(m[MEDIA_METRICS.peakDbfs]);
  const shortTermLufs = finite(m[MEDIA_METRICS.shortTermLufs]);
  if (typeof faultsText !== 'string' && !sound && peakDbfs === undefined && shortTermLufs === undefined) return undefined;
  const faults: ContentFault[] = typeof faultsText === 'string' ? faultsText.split(',').filter(isContentFault) : [];
  return {
    agent,
    device,
    faults,
    sound,
    ...(peakDbfs !== undefined ? { peakDbfs } : {}),
    ...(shortTermLufs !== undefined ? { shortTermLufs } : {}),
    ts: health.ts,
  };
}

export class LiveMedia {
  private readonly latest = new Map<string, Omit<LiveMediaDevice, 'picture'>>();

  constructor(private readonly hasPicture: (agent: string, device: string) => boolean) {}

  note(agent: string, device: string, health: Pick<DeviceHealth, 'metrics' | 'checks' | 'ts'>): void {
    const media = liveMediaOf(agent, device, health);
    if (media) this.latest.set(key(agent, device), media);
    else this.latest.delete(key(agent, device));
  }

  view(): LiveMediaView {
    return { devices: [...this.latest.values()].map((d) => ({ ...d, picture: this.hasPicture(d.agent, d.device) })) };
  }
}
