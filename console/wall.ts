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
import { FailoverDialog, type FailoverProgress } from './failover.ts';
import { STATE_WORDS, clock, deviceLink, html, ref, studioOf } from './html.ts';

export interface WallProps {
  status: StatusData;
  /** Slot definitions (program mappings), by slot id. */
  definitions: Map<string, SlotDefinition>;
  /** Each device's last self-test, by agent/device. */
  lastTests: Map<string, Job>;
  /** Failovers in progress or just ended, by slot (from the live events). */
  progress: Map<string, FailoverProgress>;
}

const deviceState = (d: DeviceSummary | undefined): string => STATE_WORDS[d?.status ?? 'unknown'] ?? 'UNKNOWN';

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
    ${d?.kind === 'encoder' ? html`<span class="detail">stream ${deviceState(d)}${d.detail ? ` — ${d.detail}` : ''}</span>` : null}
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

function Tile(p: WallProps & { slot: SlotState; devices: Map<string, DeviceSummary> }) {
  const { slot } = p;
  const [asking, setAsking] = useState(false);
  const progress = p.progress.get(slot.slot);
  const live = slot.active;
  const liveIsPrimary = live !== null && ref(live) === ref(slot.primary);
  const title = slot.slot.slice(slot.slot.indexOf('/') + 1);
  return html`<section
    class=${`tile state-${slot.state} ${slot.onAir ? 'on-air' : ''}`}
    data-slot=${slot.slot}
    data-state=${slot.state}
    aria-label=${`slot ${slot.slot}: ${STATE_WORDS[slot.state]}`}
  >
    <header>
      <h3>${title}</h3>
      <span class="state-word">${STATE_WORDS[slot.state]}</span>
      ${slot.onAir ? html`<span class="badge on-air-badge">ON AIR</span>` : html`<span class="badge">off air</span>`}
    </header>
    <div class="live">
      ${live ? html`Live: <a href=${deviceLink(live)}>${ref(live)}</a> ${liveIsPrimary ? '(primary)' : html`<strong>(backup)</strong>`}` : html`<strong>Nothing live</strong>`}
    </div>
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

export function Wall(p: WallProps) {
  const devices = new Map(p.status.devices.map((d) => [ref(d), d]));
  const studios = new Map<string, SlotState[]>();
  for (const slot of p.status.slots) {
    const studio = studioOf(slot.slot);
    studios.set(studio, [...(studios.get(studio) ?? []), slot]);
  }
  if (studios.size === 0) return html`<p class="empty">No slots yet: define one with <code>onair slot add</code>.</p>`;
  return html`<div class="wall">
    ${[...studios.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([studio, slots]) =>
          html`<section class="studio" data-studio=${studio}>
            <h2>
              ${studio}
              <small
                >${slots.filter((s) => s.state === 'down').length} down · ${slots.filter((s) => s.state !== 'ok').length} not OK ·
                ${slots.length} slots</small
              >
            </h2>
            <div class="tiles">${slots.map((slot) => html`<${Tile} key=${slot.slot} ...${p} slot=${slot} devices=${devices} />`)}</div>
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
