/**
 * The wall screen: `/console/wall` shows the studio wall alone, for a TV on the control-room wall
 * (issue 24). No navigation and no language switch (the language comes from `?lang=` or the choice
 * stored in this browser); a thin header line (studio, ON AIR, clock, feed state, open alarms, the
 * slots' states counted); the tiles fill the screen, every tile in its state's colour, the state words large enough
 * to read from across the room.
 *
 * `?kiosk` makes it a TV (no pointer, no buttons: nothing to press by accident); `?studio=<id>` shows one
 * studio; `?screen=<name>` names the screen, whose layout (set from the console wall's Arrange mode)
 * it shows; without one, the logged-in person's own layout.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { LayoutTile } from '../protocols/wall-operations.ts';
import type { StatusData } from '../protocols/schemas.ts';
import { common } from '../i18n/messages/common.ts';
import { kiosk } from '../i18n/messages/kiosk.ts';
import { ask, type LiveState } from './api.ts';
import type { Feed } from './feed.ts';
import { html, ref } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { Tile, wallContext } from './wall.ts';
import { arrange, gridFor, studioKey } from './wall-layout.ts';
import { WALL_STATES, WALL_WORDS, countStates, wallState } from './wall-state.ts';

const WALL_PATH = '/console/wall';

export interface WallScreenAddress {
  /** A TV: no pointer, no buttons. */
  kiosk: boolean;
  /** One studio (its key: '' for slots without one); every studio when absent. */
  studio?: string;
  /** The screen's name: its own layout; the person's layout when absent. */
  screen?: string;
}

/** The wall screen this address asks for, or undefined for the console's other pages. */
export function wallScreenAddress(where: { pathname: string; search: string }): WallScreenAddress | undefined {
  if (where.pathname.replace(/\/+$/, '') !== WALL_PATH) return undefined;
  const q = new URLSearchParams(where.search);
  const studio = q.get('studio');
  const screen = q.get('screen');
  return { kiosk: q.has('kiosk'), ...(studio ? { studio } : {}), ...(screen ? { screen } : {}) };
}

/** Layouts by studio key, as the wall takes them. */
export const layoutsByStudio = (layouts: ReadonlyArray<{ studio: string; tiles: LayoutTile[] }>): Map<string, LayoutTile[]> =>
  new Map(layouts.map((l) => [l.studio, l.tiles]));

/** The screen's size, kept current: the grid is computed from it. */
function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState({ width: innerWidth, height: innerHeight });
  useEffect(() => {
    const resized = () => setSize({ width: innerWidth, height: innerHeight });
    addEventListener('resize', resized);
    return () => removeEventListener('resize', resized);
  }, []);
  return size;
}

/** The time now, every second, for the header's clock (display only: nothing decides on it). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The share of the screen's height the header line leaves to the tiles (console.css: .wall-screen header, 5vh). */
const TILES_HEIGHT = 0.95;

export function WallScreen(p: { feed: Feed; address: WallScreenAddress }) {
  const t = useT(kiosk);
  const tc = useT(common);
  const f = useFormats();
  const now = useNow();
  const viewport = useViewport();
  const [status, setStatus] = useState<StatusData | undefined>(undefined);
  const [link, setLink] = useState<LiveState>('connecting');
  const [context, setContext] = useState<Awaited<ReturnType<typeof wallContext>>>({ definitions: new Map(), lastTests: new Map() });
  const [layouts, setLayouts] = useState(new Map<string, LayoutTile[]>());
  const [testsFinished, setTestsFinished] = useState(0);
  const [alertsChanged, setAlertsChanged] = useState(0);
  const [alarms, setAlarms] = useState({ open: 0, unacked: 0 });

  useEffect(
    () =>
      p.feed.subscribe({
        status: setStatus,
        state: setLink,
        event: (e) => {
          if (e.type === 'job.finished') setTestsFinished((n) => n + 1);
          if (e.type.startsWith('alert.')) setAlertsChanged((n) => n + 1);
        },
      }),
    [p.feed],
  );
  const { screen, studio } = p.address;
  useEffect(() => {
    void ask('wall.layout.get', screen ? { screen } : {}).then(
      (r) => setLayouts(layoutsByStudio(r.layouts)),
      () => undefined, // no layout: the wall's own order
    );
  }, [screen]);
  // The slot definitions and self-tests: again when slots come or go, or a self-test ends.
  const slotIds = status?.slots.map((s) => s.slot).join('\n');
  useEffect(() => {
    if (slotIds !== undefined) void wallContext().then(setContext, () => undefined);
  }, [slotIds, testsFinished]);

  // The open alarms (every studio's), counted again whenever an alert changes.
  useEffect(() => {
    void ask('alert.list', { state: 'open' }).then(
      (r) => setAlarms({ open: r.alerts.length, unacked: r.alerts.filter((a) => a.state === 'firing').length }),
      () => undefined,
    );
  }, [alertsChanged]);

  const shown = useMemo(() => {
    if (!status) return [];
    const byStudio = new Map<string, StatusData['slots']>();
    for (const slot of status.slots) {
      const key = studioKey(slot.slot);
      if (studio === undefined || key === studio) byStudio.set(key, [...(byStudio.get(key) ?? []), slot]);
    }
    return [...byStudio.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, slots]) => arrange(slots, (s) => s.slot, layouts.get(key)))
      .map(({ tile, size }) => ({ slot: tile, state: wallState(tile), size }));
  }, [status, layouts, studio]);

  if (!status) return html`<p class="wall-screen-wait">${t('connecting')}</p>`;
  const devices = new Map(status.devices.map((d) => [ref(d), d]));
  const grid = gridFor(
    shown.map((s) => s.size),
    viewport.width,
    viewport.height * TILES_HEIGHT,
  );
  const counts = countStates(status.slots.filter((s) => studio === undefined || studioKey(s.slot) === studio).map(wallState));
  const title = studio === undefined ? t('studio.all') : studio === '' ? t('studio.none') : studio;
  return html`<div class=${`wall-screen ${p.address.kiosk ? 'kiosk' : ''} feed-${link}`} data-screen=${screen ?? ''}>
    <header class="wall-screen-header">
      <strong class="wall-screen-studio">${title}</strong>
      ${status.onAir ? html`<span class="badge on-air-badge">${tc('onAir')}</span>` : html`<span class="badge">${tc('offAir')}</span>`}
      <span class="wall-screen-clock">${f.time(now)}</span>
      <span class=${`link link-${link}`} role="status"
        >${link === 'live' ? t('feed.live') : link === 'connecting' ? t('feed.connecting') : t('feed.reconnecting')}</span
      >
      ${
        alarms.open > 0
          ? html`<span class=${`wall-screen-alarms ${alarms.unacked > 0 ? 'unacked' : ''}`}
              >${t('alarms.open', { n: alarms.open })}${alarms.unacked > 0 ? ` · ${t('alarms.unacked', { n: alarms.unacked })}` : ''}</span
            >`
          : null
      }
      <span class="wall-screen-counts">
        ${WALL_STATES.filter((s) => counts.has(s)).map(
          (s) => html`<span class=${`count count-${s} some`} data-count=${s}>${counts.get(s)} ${WALL_WORDS.state[s]}</span> `,
        )}
      </span>
    </header>
    ${
      shown.length === 0
        ? html`<p class="empty">${t('empty')}</p>`
        : html`<div
            class="wall-screen-tiles"
            style=${{
              gridTemplateColumns: `repeat(${grid.cols}, minmax(0, 1fr))`,
              gridTemplateRows: `repeat(${grid.rows}, minmax(0, 1fr))`,
              '--cols': String(grid.cols),
              '--rows': String(grid.rows),
            }}
          >
            ${shown.map(
              ({ slot, state, size }) =>
                html`<${Tile}
                  key=${slot.slot}
                  status=${status}
                  definitions=${context.definitions}
                  lastTests=${context.lastTests}
                  progress=${NO_PROGRESS}
                  slot=${slot}
                  state=${state}
                  devices=${devices}
                  size=${size}
                />`,
            )}
          </div>`
    }
  </div>`;
}

/** The wall screen shows states, not failovers in progress (the console's wall has their messages). */
const NO_PROGRESS = new Map();
