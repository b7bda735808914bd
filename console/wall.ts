/**
 * The studio wall: every studio's slots as tiles, then the gear that serves no slot, and the agents. A
 * tile says in words and colour whether the slot is on air, what is live (by the names the studio
 * gave its gear) and whether it is the primary, how ready each backup is, what the program shows and
 * how the stream is; an engineer fails a slot over from it. While the live feed is down the wall is
 * dimmed and says since when it is stale: a picture that may be old must not look like news.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SlotDefinition } from '../protocols/registry-operations.ts';
import type { Job } from '../protocols/plan-schemas.ts';
import type { DeviceSummary, SlotState, StatusData } from '../protocols/schemas.ts';
import { common } from '../i18n/messages/common.ts';
import { wall } from '../i18n/messages/wall.ts';
import { gear as gearWords } from '../i18n/messages/gear.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import { ask, may, type LiveState } from './api.ts';
import { FailoverDialog } from './failover.ts';
import { SlotMedia } from './picture.ts';
import { AgentsRow, GearSection, NO_STUDIO, gearByStudio } from './gear.ts';
import { html, ref, stateWord, studioOf, useNow } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { DeviceName, shortName, sourceName } from './names.ts';
import { progressView, type FailoverProgress } from './progress.ts';
import type { LayoutTile, TileSize } from '../protocols/wall-operations.ts';
import { arrange, studioKey } from './wall-layout.ts';
import { ALWAYS_COUNTED, WALL_STATES, ageWords, countStates, wallState, wallStateWord, whyWords, type WallState } from './wall-state.ts';

export interface WallProps {
  status: StatusData;
  /** Slot definitions (program mappings), by slot id. */
  definitions: Map<string, SlotDefinition>;
  /** Each device's last self-test, by agent/device. */
  lastTests: Map<string, Job>;
  /** Failovers in progress or just ended, by slot (from the live events). */
  progress: Map<string, FailoverProgress>;
  /** The live feed's state: anything but live dims the wall as stale. */
  feed?: LiveState;
  /** Each studio's arrangement (order, sizes, hidden tiles), by studio key (console/wall-layout.ts); none: the wall's own order. */
  layouts?: ReadonlyMap<string, readonly LayoutTile[]>;
}

/** The kinds whose stream state a member line shows: a registered device carries its profile's kind (`stream-encoder`); `encoder` is the harness's and a hand-written agent file's. */
const ENCODER_KINDS: ReadonlySet<string | undefined> = new Set(['stream-encoder', 'encoder']);

function Member(p: { r: { agent: string; device: string }; role: string; devices: Map<string, DeviceSummary>; test?: Job; live: boolean }) {
  const t = useT(wall);
  const tc = useT(common);
  const f = useFormats();
  const d = p.devices.get(ref(p.r));
  const test = p.test
    ? html`<span class=${`test test-${p.test.state}`}
        >${t('test.result', { result: t(`test.${p.test.state}`), time: f.time(p.test.finishedAt ?? p.test.createdAt) })}</span
      >`
    : html`<span class="test">${t('test.none')}</span>`;
  return html`<li class=${`member status-${d?.status ?? 'unknown'}`} data-member=${ref(p.r)}>
    <span class="role">${p.live ? t('role.live') : t(p.role === 'primary' ? 'role.primary' : 'role.backup')}</span>
    <${DeviceName} r=${p.r} devices=${p.devices} />
    <span class="word">${stateWord(tc, d?.status)}</span>
    ${p.role === 'backup' && !p.live ? test : null}
    ${
      d && ENCODER_KINDS.has(d.kind)
        ? html`<span class="detail">${t('member.stream', { state: stateWord(tc, d.status) })}${d.detail ? ` — ${d.detail}` : ''}</span>`
        : null
    }
  </li>`;
}

/** The live member on the program: a big PROGRAM line when it is, a small one saying what is when not. */
function programLines(
  slot: SlotState,
  def: SlotDefinition | undefined,
  status: StatusData,
  devices: Map<string, DeviceSummary>,
  t: Translate<typeof wall>,
) {
  const live = slot.active;
  if (!def?.program?.length || !live) return null;
  return def.program
    .filter((m) => ref(m.member) === ref(live))
    .map((m) => {
      const onProgram = status.program?.find((p) => p.switcher === ref(m.switcher))?.onProgram ?? null;
      if (onProgram === m.source)
        return html`<div class="program tally-on program-big" data-program="on">
          ${t('program.big', { member: shortName(live, devices), source: sourceName(m.source, t) })}
        </div>`;
      return html`<div class="program" data-program="off">
        ${t('program.off')} ·
        ${t('program.shows', {
          switcher: shortName(m.switcher, devices),
          onProgram: onProgram === null ? t('program.unknown') : sourceName(onProgram, t),
          source: sourceName(m.source, t),
        })}
      </div>`;
    });
}

/** The failover message, as old as it is: fresh, aged ("12 s ago"), contradicted by what happened since, or gone. */
function ProgressLine(p: { progress: FailoverProgress; slot: SlotState; devices: Map<string, DeviceSummary> }) {
  const t = useT(wall);
  const tc = useT(common);
  const f = useFormats();
  const now = useNow();
  const view = progressView(p.progress, p.slot, now, (member) => p.devices.get(member)?.since);
  if (view.show === 'cleared') return null;
  const named = (member: string) => {
    const [agent = '', device = ''] = member.split('/');
    return shortName({ agent, device }, p.devices);
  };
  const pr = p.progress;
  const text =
    view.show === 'contradicted'
      ? view.now === 'replaced'
        ? t('progress.replaced', { confirmedAt: f.time(pr.ts), member: named(view.member), since: f.time(view.since) })
        : t('progress.contradicted', {
            confirmedAt: f.time(pr.ts),
            member: named(view.member),
            state: stateWord(tc, view.now),
            since: f.time(view.since),
          })
      : pr.phase === 'confirmed'
        ? t('progress.confirmed', { to: named(pr.to ?? ''), duration: f.duration(pr.durationMs ?? 0) })
        : t(pr.phase === 'started' ? 'progress.started' : 'progress.failed', { reason: pr.reason ?? '' });
  return html`<div
    class=${`progress progress-${pr.phase} progress-${view.show}`}
    data-progress=${pr.phase}
    data-shown=${view.show}
    role="status"
  >
    ${text}${pr.by ? html` <small class="by">${t('progress.by', { by: pr.by })}</small>` : null}${' '}<small class="age"
      >${ageWords(view.ageMs, t)}</small
    >
  </div>`;
}

export function Tile(p: WallProps & { slot: SlotState; state: WallState; devices: Map<string, DeviceSummary>; size?: TileSize }) {
  const { slot, state } = p;
  const t = useT(wall);
  const tc = useT(common);
  const [asking, setAsking] = useState(false);
  const progress = p.progress.get(slot.slot);
  const live = slot.active;
  const liveIsPrimary = live !== null && ref(live) === ref(slot.primary);
  const word = wallStateWord(state, t, tc);
  const why = whyWords(state, t);
  const id = slot.slot.slice(slot.slot.indexOf('/') + 1);
  return html`<section
    class=${`tile state-${state} size-${p.size ?? '1x1'} ${slot.onAir ? 'on-air' : ''}`}
    data-slot=${slot.slot}
    data-state=${state}
    aria-label=${t('tile.aria', { slot: slot.label ?? slot.slot, state: word })}
  >
    <header>
      <h3>${slot.label ? html`${slot.label} <small class="id">${id}</small>` : id}</h3>
      <span class="state-word">${word}</span>
      ${slot.onAir ? html`<span class="badge on-air-badge">${tc('onAir')}</span>` : html`<span class="badge">${tc('offAir')}</span>`}
    </header>
    <div class="live">
      ${
        live
          ? html`${t('tile.live')}<${DeviceName} r=${live} devices=${p.devices} />
              ${liveIsPrimary ? t('tile.isPrimary') : html`<strong>${t('tile.isBackup')}</strong>`}`
          : html`<strong>${t('tile.nothingLive')}</strong>`
      }
    </div>
    ${why ? html`<div class="redundancy">${why}</div>` : null}
    ${slot.primaryAvailable ? html`<div class="hint">${t('tile.primaryBack')}</div>` : null}
    ${slot.reason && slot.state !== 'ok' ? html`<div class="reason">${slot.reason}</div>` : null}
    ${programLines(slot, p.definitions.get(slot.slot), p.status, p.devices, t)}
    <${SlotMedia} slot=${slot} definition=${p.definitions.get(slot.slot)} />
    <ul class="members">
      ${slot.members.map(
        (m) =>
          html`<${Member}
            r=${m}
            role=${m.role}
            devices=${p.devices}
            test=${p.lastTests.get(ref(m))}
            live=${live !== null && ref(live) === ref(m)}
          />`,
      )}
    </ul>
    ${progress ? html`<${ProgressLine} progress=${progress} slot=${slot} devices=${p.devices} />` : null}
    ${may('failover') ? html`<button class="failover-button" onClick=${() => setAsking(true)}>${t('tile.failover')}</button>` : null}
    ${asking ? html`<${FailoverDialog} slot=${slot} devices=${p.devices} onClose=${() => setAsking(false)} />` : null}
  </section>`;
}

/** A studio's header line: how many slots are in each state, the redundancy states even at zero. */
function StudioCounts(p: { states: WallState[] }) {
  const t = useT(wall);
  const tc = useT(common);
  const counts = countStates(p.states);
  const shown = WALL_STATES.filter((s) => ALWAYS_COUNTED.has(s) || counts.has(s));
  return html`<small class="counts">
    ${shown.map(
      (s) =>
        html`<span class=${`count count-${s} ${counts.has(s) ? 'some' : ''}`} data-count=${s}
            >${counts.get(s) ?? 0} ${wallStateWord(s, t, tc)}</span
          >
          · `,
    )}
    ${t('slots', { n: p.states.length })}
  </small>`;
}

/** When the feed stopped being live (the page's clock), or null while it is live. */
function useStaleSince(feed: LiveState | undefined): number | null {
  const [since, setSince] = useState<number | null>(null);
  useEffect(() => setSince((old) => (feed === undefined || feed === 'live' ? null : (old ?? Date.now()))), [feed]);
  return since;
}

/** What the wall says while its picture may be old. */
function StaleBanner(p: { since: number; f: Formats; t: Translate<typeof wall> }) {
  return html`<p class="stale-label" role="alert">${p.t('stale', { time: p.f.time(p.since) })}</p>`;
}

export function Wall(p: WallProps) {
  const t = useT(wall);
  const tg = useT(gearWords);
  const f = useFormats();
  const staleSince = useStaleSince(p.feed);
  const devices = new Map(p.status.devices.map((d) => [ref(d), d]));
  const studios = new Map<string, Array<{ slot: SlotState; state: WallState }>>();
  for (const slot of p.status.slots) {
    const studio = studioOf(slot.slot);
    studios.set(studio, [...(studios.get(studio) ?? []), { slot, state: wallState(slot) }]);
  }
  const gear = gearByStudio(p.status);
  for (const studio of gear.keys()) if (!studios.has(studio)) studios.set(studio, []);
  const body =
    studios.size === 0
      ? html`<p class="empty">${t('empty', { command: 'onair slot add' })}</p>`
      : [...studios.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([studio, slots]) =>
              html`<section class="studio" data-studio=${studio}>
                <h2>${studio === NO_STUDIO ? tg('noStudio') : studio} <${StudioCounts} states=${slots.map((s) => s.state)} /></h2>
                <div class="tiles">
                  ${arrange(slots, (s) => s.slot.slot, slots.length ? p.layouts?.get(studioKey(slots[0]!.slot.slot)) : undefined).map(
                    ({ tile: { slot, state }, size }) =>
                      html`<${Tile} key=${slot.slot} ...${p} slot=${slot} state=${state} devices=${devices} size=${size} />`,
                  )}
                </div>
                ${gear.has(studio) ? html`<${GearSection} studio=${studio} gear=${gear.get(studio)} status=${p.status} devices=${devices} />` : null}
              </section>`,
          );
  return html`<div class=${`wall ${staleSince === null ? '' : 'stale'}`} data-stale=${staleSince === null ? null : 'true'}>
    ${staleSince === null ? null : html`<${StaleBanner} since=${staleSince} f=${f} t=${t} />`}
    <${AgentsRow} agents=${p.status.agents} />
    ${body}
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
