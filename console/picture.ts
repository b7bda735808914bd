/**
 * Live pictures and audio meters on the wall (issue 24): a multiviewer's view beside the redundancy
 * state. A picture is a device's newest thumbnail (GET /api/picture/{agent}/{device}, about one a
 * second from its agent's media watch), fetched once a second only while it is on screen, with the
 * content faults of its health over it; a meter is a device's sound peak from its latest health.
 * Both read one shared poll of GET /api/live-media (one request a second for the whole wall, and
 * none while nothing that needs it is shown).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SlotDefinition } from '../protocols/registry-operations.ts';
import type { SlotState } from '../protocols/schemas.ts';
import type { LiveMediaDevice, LiveMediaView } from '../protocols/live-media.ts';
import { PICTURE_AGE_HEADER, PICTURE_INTERVAL_MS, PICTURE_STALE_MS, pictureUrl } from '../protocols/pictures.ts';
import { pictures as words } from '../i18n/messages/pictures.ts';
import type { Translate } from '../i18n/translator.ts';
import { useFormats, useT } from './i18n.ts';
import { html, ref } from './html.ts';
import { METER_FLOOR_DB, meterHeight, meterZone } from './picture-parts.ts';

type Ref = { agent: string; device: string };

/** The shared poll: started by the first component that needs it, stopped with the last. */
const media = {
  latest: new Map<string, LiveMediaDevice>(),
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
};

async function pollMedia(): Promise<void> {
  if (document.visibilityState === 'hidden') return;
  try {
    const response = await fetch('/api/live-media', { credentials: 'same-origin' });
    if (!response.ok) return;
    const view = (await response.json()) as LiveMediaView;
    media.latest = new Map(view.devices.map((d) => [ref(d), d]));
    for (const listener of media.listeners) listener();
  } catch {
    // the controller is out of reach: the live feed's banner says so; the next poll tries again
  }
}

/** A device's faults and levels from its latest health, refreshed about once a second. */
export function useLiveMedia(r: Ref): LiveMediaDevice | undefined {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    media.listeners.add(listener);
    if (!media.timer) {
      void pollMedia();
      media.timer = setInterval(() => void pollMedia(), PICTURE_INTERVAL_MS);
    }
    return () => {
      media.listeners.delete(listener);
      if (media.listeners.size === 0) {
        clearInterval(media.timer);
        media.timer = undefined;
      }
    };
  }, []);
  return media.latest.get(ref(r));
}

/** The overlays a picture carries, worst first: what the engineer must see through the picture. */
const OVERLAYS = ['no-signal', 'black', 'frozen', 'silent'] as const;
export function overlaysOf(faults: readonly string[], t: Translate<typeof words>): Array<{ fault: string; text: string }> {
  return OVERLAYS.filter((f) => faults.includes(f)).map((f) => ({ fault: f, text: t(`overlay.${f}`) }));
}

/** True while the element is on screen (IntersectionObserver; always true where the browser has none). */
function useVisible(element: { current: Element | null }): boolean {
  const [visible, setVisible] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (!element.current || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)));
    observer.observe(element.current);
    return () => observer.disconnect();
  }, [element.current]);
  return visible;
}

interface Shown {
  /** A data: URL (the page's CSP allows data: images, not blob:). */
  src: string;
  etag: string;
  /** The picture's age when fetched, and when (the page's clock): its age now is their sum with the time since. */
  ageMs: number;
  fetchedAt: number;
}

const dataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

/** A device's live picture: refreshed once a second while visible, revalidated by its ETag, greyed with its age when stale. */
export function LivePicture(p: Ref & { program?: boolean }) {
  const t = useT(words);
  const f = useFormats();
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  const [shown, setShown] = useState<Shown | undefined>();
  const [missing, setMissing] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const content = useLiveMedia(p);
  const etag = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!visible) return;
    let stopped = false;
    const load = async () => {
      setNow(Date.now());
      try {
        const headers: Record<string, string> = etag.current ? { 'if-none-match': etag.current } : {};
        const response = await fetch(pictureUrl(p.agent, p.device), { credentials: 'same-origin', headers });
        if (stopped) return;
        const ageMs = Number(response.headers.get(PICTURE_AGE_HEADER) ?? 0);
        if (response.status === 304) return setShown((s) => s && { ...s, ageMs, fetchedAt: Date.now() });
        if (!response.ok) return setMissing(true);
        const src = await dataUrl(await response.blob());
        if (stopped) return;
        etag.current = response.headers.get('etag') ?? undefined;
        setMissing(false);
        setShown({ src, etag: etag.current ?? '', ageMs, fetchedAt: Date.now() });
      } catch {
        // out of reach: the picture greys with its age until it comes back
      }
    };
    void load();
    const timer = setInterval(() => void load(), PICTURE_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [visible, p.agent, p.device]);

  const name = ref(p);
  const age = shown ? shown.ageMs + Math.max(0, now - shown.fetchedAt) : undefined;
  const stale = age !== undefined && age > PICTURE_STALE_MS;
  const overlays = overlaysOf(content?.faults ?? [], t);
  return html`<figure class=${`live-picture ${stale ? 'stale' : ''} ${overlays.length ? 'faulty' : ''}`} data-picture=${name} ref=${box}>
    ${
      shown
        ? html`<img src=${shown.src} alt=${t('picture.alt', { device: name })} data-etag=${shown.etag} width="320" />`
        : html`<div class="no-picture">${missing ? t('picture.none') : ''}</div>`
    }
    ${overlays.map((o) => html`<span class=${`picture-overlay overlay-${o.fault}`} data-overlay=${o.fault}>${o.text}</span>`)}
    <figcaption>
      ${p.program ? t('picture.program', { device: name }) : name}
      ${stale ? html` <span class="picture-age" data-age>${t('picture.age', { age: f.duration(age!) })}</span>` : null}
    </figcaption>
  </figure>`;
}

/** A device's sound peak as a vertical bar, updated with each health message. */
export function AudioMeter(p: Ref) {
  const t = useT(words);
  const f = useFormats();
  const content = useLiveMedia(p);
  const name = ref(p);
  if (!content?.sound) return html`<div class="audio-meter no-level" data-meter=${name} title=${t('meter.none', { device: name })}></div>`;
  // No peak while the sound is watched: digital silence (ffmpeg's peak is −∞), the bottom of the scale.
  const peak = content.peakDbfs ?? METER_FLOOR_DB;
  const shownPeak = f.number(Math.max(METER_FLOOR_DB, peak), { maximumFractionDigits: 1 });
  const lufs = content.shortTermLufs;
  const title = [
    t('meter.label', { device: name, peak: shownPeak }),
    ...(lufs !== undefined ? [t('meter.lufs', { lufs: f.number(lufs, { maximumFractionDigits: 1 }) })] : []),
  ].join(' · ');
  const silent = content.faults.includes('silent');
  return html`<div
    class=${`audio-meter zone-${meterZone(peak)} ${silent ? 'silent' : ''}`}
    data-meter=${name}
    data-peak=${peak}
    role="meter"
    aria-valuemin=${METER_FLOOR_DB}
    aria-valuemax="0"
    aria-valuenow=${Math.max(METER_FLOOR_DB, Math.min(0, peak))}
    aria-label=${title}
    title=${title}
  >
    <div class="meter-bar" style=${`height: ${meterHeight(peak)}%`}></div>
  </div>`;
}

/**
 * A slot's media on its tile: the live member's picture, the program switcher's where the slot is
 * mapped onto a program, and a meter for each member whose sound is watched (the mics).
 */
export function SlotMedia(p: { slot: SlotState; definition: SlotDefinition | undefined }) {
  const live = p.slot.active;
  const liveMedia = useLiveMedia(live ?? { agent: '', device: '' });
  const switchers = new Map<string, Ref>();
  for (const m of p.definition?.program ?? [])
    if (live && ref(m.member) === ref(live) && media.latest.get(ref(m.switcher))?.picture) switchers.set(ref(m.switcher), m.switcher);
  const metered = p.slot.members.filter((m) => media.latest.get(ref(m))?.sound);
  if (!liveMedia?.picture && switchers.size === 0 && metered.length === 0) return null;
  return html`<div class="slot-media">
    ${live && liveMedia?.picture ? html`<${LivePicture} agent=${live.agent} device=${live.device} />` : null}
    ${[...switchers.values()].map((s) => html`<${LivePicture} agent=${s.agent} device=${s.device} program=${true} />`)}
    ${metered.length ? html`<div class="meters">${metered.map((m) => html`<${AudioMeter} agent=${m.agent} device=${m.device} />`)}</div>` : null}
  </div>`;
}
