/**
 * The studio wall: every studio's slots as tiles. A tile says in words and colour whether the slot
 * is on air, what is live and whether it is the primary, how ready each backup is, what the program
 * shows and how the stream is; an engineer fails a slot over from it.
 */
import { useState } from 'preact/hooks';
import type { SlotDefinition } from '../protocols/registry-operations.ts';
import type { Job } from '../protocols/plan-schemas.ts';
import type { DeviceSummary, SlotState, StatusData } from '../protocols/schemas.ts';
import { ask, may } from './api.ts';
import { FailoverDialog } from './failover.ts';
import type { FailoverProgress } from './progress.ts';
import { STATE_WORDS, clock, deviceLink, html, ref, studioOf } from './html.ts';
import { ALWAYS_COUNTED, WALL_STATES, WALL_WORDS, countStates, wallState, type WallState } from './wall-state.ts';
import type { LayoutTile, TileSize } from '../protocols/wall-operations.ts';
import { arrange, studioKey } from './wall-layout.ts';

export interface WallProps {
  status: StatusData;
  /** Slot definitions (program mappings), by slot id. */
  definitions: Map<string, SlotDefinition>;
  /** Each device's last self-test, by agent/device. */
  lastTests: Map<string, Job>;
  /** Failovers in progress or just ended, by slot (from the live events). */
  progress: Map<string, FailoverProgress>;
  /** Each studio's arrangement (order, sizes, hidden tiles), by studio key (console/wall-layout.ts); none: the wall's own order. */
  layouts?: ReadonlyMap<string, readonly LayoutTile[]>;
}

const deviceState = (d: DeviceSummary | undefined): string => STATE_WORDS[d?.status ?? 'unknown'] ?? 'UNKNOWN';

/** The kinds whose stream state a member line shows: a registered device carries its profile's kind (`stream-encoder`); `encoder` is the harness's and a hand-written agent file's. */
const ENCODER_KINDS: ReadonlySet<string | undefined> = new Set(['stream-encoder', 'encoder']);

function Member(p: { r: { agent: string; device: string }; role: string; devices: Map<string, DeviceSummary>; test?: Job; live: boolean }) {
  const d = p.devices.get(ref(p.r));
  const test = p.test
    ? html`<span class="test test-${p.test.state}"
        >self-test ${p.test.state.replace('_', ' ')} ${clock(p.test.finishedAt ?? p.test.createdAt)}</span
      >`
    : html`<span class="test">no self-test yet</span>`;
  return html`<li class=${`member status-${d?.status ?? 'unknown'}`} data-member=${ref(p.r)}>
    <span class="role">${p.live ? 'LIVE' : p.role}</span>
    <a href=${deviceLink(p.r)}>${ref(p.r)}</a>
    <span class="word">${deviceState(d)}</span>
    ${p.role === 'backup' && !p.live ? test : null}
    ${d && ENCODER_KINDS.has(d.kind) ? html`<span class="detail">stream ${deviceState(d)}${d.detail ? ` — ${d.detail}` : ''}</span>` : null}
  </li>`;
}

function programLine(slot: SlotState, def: SlotDefinition | undefined, status: StatusData) {
  const live = slot.active;
  if (!def?.program?.length || !live) return null;
  return def.program
    .filter((m) => ref(m.member) === ref(live))
    .map((m) => {
      const pgm = status.program?.find((p) => p.switcher === ref(m.switcher));
      const onProgram = pgm?.onProgram ?? null;
      const tally = onProgram === m.source;
      return html`<div class=${`program ${tally ? 'tally-on' : ''}`}>
        ${tally ? 'ON PROGRAM' : 'not on program'} · ${ref(m.switcher)} shows ${onProgram ?? 'unknown'} (this: ${m.source})
      </div>`;
    });
}

export function Tile(p: WallProps & { slot: SlotState; state: WallState; devices: Map<string, DeviceSummary>; size?: TileSize }) {
  const { slot, state } = p;
  const [asking, setAsking] = useState(false);
  const progress = p.progress.get(slot.slot);
  const live = slot.active;
  const liveIsPrimary = live !== null && ref(live) === ref(slot.primary);
  const title = slot.slot.slice(slot.slot.indexOf('/') + 1);
  return html`<section
    class=${`tile state-${state} size-${p.size ?? '1x1'} ${slot.onAir ? 'on-air' : ''}`}
    data-slot=${slot.slot}
    data-state=${state}
    aria-label=${`slot ${slot.slot}: ${WALL_WORDS.state[state]}`}
  >
    <header>
      <h3>${title}</h3>
      <span class="state-word">${WALL_WORDS.state[state]}</span>
      ${slot.onAir ? html`<span class="badge on-air-badge">ON AIR</span>` : html`<span class="badge">off air</span>`}
    </header>
    <div class="live">
      ${live ? html`Live: <a href=${deviceLink(live)}>${ref(live)}</a> ${liveIsPrimary ? '(primary)' : html`<strong>(backup)</strong>`}` : html`<strong>Nothing live</strong>`}
    </div>
    ${WALL_WORDS.why[state] ? html`<div class="redundancy">${WALL_WORDS.why[state]}</div>` : null}
    ${slot.primaryAvailable ? html`<div class="hint">primary healthy again: switch back by hand</div>` : null}
    ${slot.reason && slot.state !== 'ok' ? html`<div class="reason">${slot.reason}</div>` : null}
    ${programLine(slot, p.definitions.get(slot.slot), p.status)}
    <ul class="members">
      ${slot.members.map((m) => html`<${Member} r=${m} role=${m.role} devices=${p.devices} test=${p.lastTests.get(ref(m))} live=${live !== null && ref(live) === ref(m)} />`)}
    </ul>
    ${progress ? html`<div class=${`progress progress-${progress.phase}`} data-progress=${progress.phase} role="status">${progress.text}</div>` : null}
    ${may('failover') ? html`<button class="failover-button" onClick=${() => setAsking(true)}>Fail over…</button>` : null}
    ${asking ? html`<${FailoverDialog} slot=${slot} devices=${p.devices} onClose=${() => setAsking(false)} />` : null}
  </section>`;
}

/** A studio's header line: how many slots are in each state, the redundancy states even at zero. */
function StudioCounts(p: { states: WallState[] }) {
  const counts = countStates(p.states);
  const shown = WALL_STATES.filter((s) => ALWAYS_COUNTED.has(s) || counts.has(s));
  return html`<small class="counts">
    ${shown.map(
      (s) =>
        html`<span class=${`count count-${s} ${counts.has(s) ? 'some' : ''}`} data-count=${s}
            >${counts.get(s) ?? 0} ${WALL_WORDS.state[s]}</span
          >
          · `,
    )}
    ${WALL_WORDS.slots(p.states.length)}
  </small>`;
}

export function Wall(p: WallProps) {
  const devices = new Map(p.status.devices.map((d) => [ref(d), d]));
  const studios = new Map<string, Array<{ slot: SlotState; state: WallState }>>();
  for (const slot of p.status.slots) {
    const studio = studioOf(slot.slot);
    studios.set(studio, [...(studios.get(studio) ?? []), { slot, state: wallState(slot) }]);
  }
  if (studios.size === 0) return html`<p class="empty">No slots yet: define one with <code>onair slot add</code>.</p>`;
  return html`<div class="wall">
    ${[...studios.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([studio, slots]) =>
          html`<section class="studio" data-studio=${studio}>
            <h2>${studio} <${StudioCounts} states=${slots.map((s) => s.state)} /></h2>
            <div class="tiles">
              ${arrange(slots, (s) => s.slot.slot, p.layouts?.get(studioKey(slots[0]!.slot.slot))).map(
                ({ tile: { slot, state }, size }) =>
                  html`<${Tile} key=${slot.slot} ...${p} slot=${slot} state=${state} devices=${devices} size=${size} />`,
              )}
            </div>
          </section>`,
      )}
  </div>`;
}

/** The wall's slow-moving context: slot definitions and the last self-test of each device. */
export async function wallContext(): Promise<{ definitions: Map<string, SlotDefinition>; lastTests: Map<string, Job> }> {
  const [slots, tests] = await Promise.all([ask('slot.list', {}), ask('test.history', { limit: 2_000 })]);
  const lastTests = new Map<string, Job>();
  for (const job of tests.jobs)
    if (!lastTests.has(ref(job)) && job.state !== 'queued' && job.state !== 'running') lastTests.set(ref(job), job);
  return { definitions: new Map(slots.slots.map((s) => [s.id, s])), lastTests };
}
