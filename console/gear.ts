/**
 * The gear a wall used to hide: a studio's devices that serve no slot (program switchers with what is
 * on program and the last cut, tally boards, encoders outside slots), by kind, each with its state
 * word and name; and every agent, online or offline, with its heartbeat's age ticking each second.
 * Devices without a studio are under "(no studio)".
 */
import type { AgentSummary, DeviceSummary, StatusData } from '../protocols/schemas.ts';
import { common } from '../i18n/messages/common.ts';
import { gear as gearWords } from '../i18n/messages/gear.ts';
import { wall } from '../i18n/messages/wall.ts';
import type { MessageKey } from '../i18n/define.ts';
import { html, ref, stateWord, useNow } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { DeviceName, sourceName } from './names.ts';
import { ageWords } from './wall-state.ts';

/** Where a device without a studio is shown: the same key the slots' studio uses (html.ts studioOf). */
export const NO_STUDIO = '(no studio)';

/** Each studio's devices that are in no slot, by studio. */
export function gearByStudio(status: Pick<StatusData, 'devices' | 'slots'>): Map<string, DeviceSummary[]> {
  const inSlots = new Set(status.slots.flatMap((s) => s.members.map(ref)));
  const byStudio = new Map<string, DeviceSummary[]>();
  for (const d of status.devices) {
    if (inSlots.has(ref(d))) continue;
    const studio = d.studio ?? NO_STUDIO;
    byStudio.set(studio, [...(byStudio.get(studio) ?? []), d]);
  }
  return byStudio;
}

/** A profile's kind (or an agent file's) as the group it is shown in; the order of the groups. */
const KIND_GROUPS: ReadonlyArray<[MessageKey<typeof gearWords>, ReadonlySet<string>]> = [
  ['kind.switcher', new Set(['switcher'])],
  ['kind.gpio', new Set(['gpio-board', 'gpio'])],
  ['kind.encoder', new Set(['stream-encoder', 'encoder'])],
  ['kind.camera', new Set(['camera'])],
  ['kind.mic', new Set(['microphone-receiver', 'mic'])],
  ['kind.light', new Set(['light'])],
  ['kind.lighting-interface', new Set(['lighting-interface'])],
];
const groupOf = (kind: string | undefined): MessageKey<typeof gearWords> =>
  KIND_GROUPS.find(([, kinds]) => kind !== undefined && kinds.has(kind))?.[0] ?? 'kind.other';

function ProgramOf(p: { switcher: DeviceSummary; status: StatusData }) {
  const tg = useT(gearWords);
  const t = useT(wall);
  const f = useFormats();
  const program = p.status.program?.find((s) => s.switcher === ref(p.switcher));
  if (!program) return null;
  const cut = program.lastCut;
  return html`<span class="program-of"
    >${program.onProgram === null ? tg('programUnknown') : tg('onProgram', { source: sourceName(program.onProgram, t) })}
    ${
      cut
        ? html` ·
            <span class="last-cut"
              >${tg('lastCut', { time: f.time(cut.ts), from: sourceName(cut.from, t), to: sourceName(cut.to, t) })}</span
            >`
        : null
    }</span
  >`;
}

export function GearSection(p: { studio: string; gear: DeviceSummary[]; status: StatusData; devices: Map<string, DeviceSummary> }) {
  const tg = useT(gearWords);
  const tc = useT(common);
  const groups = KIND_GROUPS.map(([key]) => key)
    .concat('kind.other')
    .map((key) => [key, p.gear.filter((d) => groupOf(d.kind) === key)] as const)
    .filter(([, devices]) => devices.length > 0);
  return html`<section class="gear" data-gear-of=${p.studio}>
    <h3>${tg('title')}</h3>
    ${groups.map(
      ([key, devices]) =>
        html`<div class="gear-group" data-kind=${key.slice('kind.'.length)}>
          <h4>${tg(key)}</h4>
          <ul>
            ${devices.map(
              (d) =>
                html`<li class=${`gear-item status-${d.status}`} data-gear=${ref(d)}>
                  <span class="word">${stateWord(tc, d.status)}</span>
                  <${DeviceName} r=${d} devices=${p.devices} />
                  ${groupOf(d.kind) === 'kind.switcher' ? html`<${ProgramOf} switcher=${d} status=${p.status} />` : null}
                  ${d.detail && d.status !== 'ok' ? html`<span class="detail">${d.detail}</span>` : null}
                </li>`,
            )}
          </ul>
        </div>`,
    )}
  </section>`;
}

/** Every agent: online or offline, and how long ago it was last heard, ticking each second. */
export function AgentsRow(p: { agents: AgentSummary[] }) {
  const tg = useT(gearWords);
  const t = useT(wall);
  const now = useNow();
  if (p.agents.length === 0) return null;
  return html`<section class="agents">
    <h3>${tg('agents.title')}</h3>
    <ul>
      ${[...p.agents]
        .sort((a, b) => a.agent.localeCompare(b.agent))
        .map(
          (a) =>
            html`<li class=${`agent ${a.online ? 'agent-online' : 'agent-offline'}`} data-agent=${a.agent}>
              <strong>${a.agent}</strong>
              <span class="word">${tg(a.online ? 'agent.online' : 'agent.offline')}</span>
              <small class="heartbeat"
                >${a.lastSeenAt === null ? tg('agent.never') : tg('agent.heartbeat', { age: ageWords(now - a.lastSeenAt, t) })}</small
              >
            </li>`,
        )}
    </ul>
  </section>`;
}
