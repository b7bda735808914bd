/**
 * Today's shows on a timeline, each with its pre-show checklist (GO / NO-GO, the failing step and
 * the proposed swap); engineers start and stop shows here.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Checklist, Show } from '../protocols/plan-schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, may } from './api.ts';
import { clock, html } from './html.ts';

const startOfDay = (now: number): number => {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

/** One text, so the page's formatter cannot split it across lines (htm drops whitespace that holds a line break). */
function slotHeadline(s: Checklist['slots'][number]): string {
  const verdict = s.verdict === 'go-no-backup' ? 'GO — no backup' : s.go ? 'GO' : 'NO-GO';
  const swapped = s.swapped ? ' (backup swapped in)' : '';
  const lasting = s.enduranceShortfall ? ` (will not last the show: ${s.enduranceShortfall === 'no-go' ? 'NO-GO' : 'warning'})` : '';
  return `${verdict} ${s.slot}${swapped}${lasting}`;
}

function ChecklistView(p: { checklist: Checklist }) {
  const c = p.checklist;
  return html`<div class=${`checklist ${c.go ? 'go' : 'no-go'}`} data-go=${String(c.go)}>
    <strong
      >${c.finishedAt === null ? 'CHECKING…' : c.go ? (c.slots.some((s) => s.verdict === 'go-no-backup') ? 'GO — with no backup' : 'GO') : 'NO-GO'}</strong
    >
    <span class="muted">checked ${clock(c.startedAt)}</span>
    <ul>
      ${c.slots.map(
        (s) =>
          html`<li
            class=${s.verdict === 'go-no-backup' ? 'go no-backup' : s.go ? 'go' : 'no-go'}
            data-verdict=${s.verdict ?? (s.go ? 'go' : 'no-go')}
          >
            ${slotHeadline(s)}
            <ul>
              ${s.members.filter((m) => !m.ready).map((m) => html`<li>${m.role} ${m.agent}/${m.device}: ${m.result.replace('_', ' ')}${m.step ? ` at step “${m.step}”` : ''}${m.detail ? ` — ${m.detail}` : ''}</li>`)}
            </ul>
            ${
              s.endurance?.length
                ? html`<ul class="endurance">
                    ${s.endurance.map(
                      (v) =>
                        html`<li class=${v.outcome} data-outcome=${v.outcome}>
                          ${v.outcome === 'short' ? 'WILL NOT LAST' : v.outcome}: ${v.message}
                        </li>`,
                    )}
                  </ul>`
                : null
            }
            ${s.proposal ? html`<div class="proposal">Proposed: ${s.proposal}</div>` : null}
          </li>`,
      )}
    </ul>
  </div>`;
}

function ShowRow(p: { show: Show; now: number; dayStart: number; checklist?: Checklist; onChanged(): void }) {
  const { show } = p;
  const [error, setError] = useState('');
  const day = 24 * 3_600_000;
  const left = Math.max(0, ((show.startsAt - p.dayStart) / day) * 100);
  const width = Math.max(0.5, Math.min(100 - left, ((show.endsAt - show.startsAt) / day) * 100));
  const act = async (op: 'show.start' | 'show.stop') => {
    setError('');
    try {
      await ask(op, { id: show.id, reason: 'from the console' });
      p.onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return html`<li class=${`show show-${show.state}`} data-show=${show.id}>
    <div class="show-head">
      <strong>${show.title || show.id}</strong> · ${show.studio} · ${clock(show.startsAt)}–${clock(show.endsAt)} ·
      <span class="show-state">${show.state.replace('_', ' ').toUpperCase()}</span>
      ${may('show.start') && show.state === 'scheduled' ? html`<button onClick=${() => act('show.start')}>Start now</button>` : null}
      ${may('show.stop') && (show.state === 'on_air' || show.state === 'scheduled') ? html`<button class="danger" onClick=${() => act('show.stop')}>${show.state === 'on_air' ? 'Stop' : 'Cancel'}</button>` : null}
      ${error ? html`<span class="error" role="alert">${error}</span>` : null}
    </div>
    <div class="timeline">
      <div class="bar" style=${`left:${left}%;width:${width}%`}></div>
      <div class="now" style=${`left:${((p.now - p.dayStart) / day) * 100}%`}></div>
    </div>
    ${p.checklist ? html`<${ChecklistView} checklist=${p.checklist} />` : html`<p class="muted">no pre-show check yet</p>`}
  </li>`;
}

export function Shows(p: { events: ControllerEvent[] }) {
  const [shows, setShows] = useState<Show[]>([]);
  const [checklists, setChecklists] = useState(new Map<string, Checklist>());
  const [error, setError] = useState('');
  const now = Date.now();
  const dayStart = startOfDay(now);
  const relevant = p.events.filter((e) => e.type.startsWith('show.') || e.type.startsWith('preshow.')).length;
  const load = async () => {
    try {
      const list = (await ask('show.list', { since: dayStart })).shows.filter((s) => s.startsAt < dayStart + 24 * 3_600_000);
      setShows(list);
      if (!may('preshow')) return;
      const found = await Promise.all(
        list.map((s) =>
          ask('preshow', { show: s.id }).then(
            (c) => [s.id, c] as const,
            () => undefined,
          ),
        ),
      );
      setChecklists(new Map(found.filter((x): x is readonly [string, Checklist] => x !== undefined)));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), [relevant]);
  return html`<div class="shows">
    <h2>Today</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${shows.length === 0 ? html`<p class="empty">No shows today: schedule one with <code>onair show add</code>.</p>` : null}
    <ul class="show-list">
      ${shows.map((s) => html`<${ShowRow} key=${s.id} show=${s} now=${now} dayStart=${dayStart} checklist=${checklists.get(s.id)} onChanged=${load} />`)}
    </ul>
  </div>`;
}
