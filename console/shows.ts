/**
 * Today's shows on a timeline, each with its pre-show checklist (checklist.ts). Engineers start, stop
 * and cancel shows here, each after a confirmation that names the show and what follows (confirm.ts),
 * and re-run a scheduled show's pre-show check, watching it fill in as its tests finish.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Checklist, Show } from '../protocols/plan-schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { actions } from '../i18n/messages/actions.ts';
import { ask, may } from './api.ts';
import { ChecklistView } from './checklist.ts';
import { showConfirmation, type ShowAction } from './acting.ts';
import { ConfirmDialog } from './confirm.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';

const startOfDay = (now: number): number => {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

/** Events after which the shows and their checklists are read again: a show's, a checklist's, and each finished pre-show test (a running check's progress). */
export const changesShows = (e: ControllerEvent): boolean =>
  e.type.startsWith('show.') || e.type.startsWith('preshow.') || (e.type === 'job.finished' && e.data.kind === 'preshow');

function ShowRow(p: { show: Show; now: number; dayStart: number; checklist?: Checklist; onChanged(): void }) {
  const { show } = p;
  const t = useT(actions);
  const f = useFormats();
  const [error, setError] = useState('');
  const [asking, setAsking] = useState<ShowAction | undefined>(undefined);
  const [rerunning, setRerunning] = useState(false);
  const day = 24 * 3_600_000;
  const left = Math.max(0, ((show.startsAt - p.dayStart) / day) * 100);
  const width = Math.max(0.5, Math.min(100 - left, ((show.endsAt - show.startsAt) / day) * 100));
  const act = async (action: ShowAction) => {
    await ask(action === 'start' ? 'show.start' : 'show.stop', { id: show.id, reason: t('shows.reason') });
    setAsking(undefined);
    p.onChanged();
  };
  const rerun = async () => {
    setError('');
    setRerunning(true);
    try {
      // Answers when every test has finished; meanwhile the checklist fills in from the live events.
      await ask('preshow', { show: show.id, run: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRerunning(false);
      p.onChanged();
    }
  };
  const stopAction: ShowAction = show.state === 'on_air' ? 'stop' : 'cancel';
  return html`<li class=${`show show-${show.state}`} data-show=${show.id}>
    <div class="show-head">
      <strong>${show.title || show.id}</strong> · ${show.studio} · ${f.time(show.startsAt)}–${f.time(show.endsAt)} ·
      <span class="show-state">${t(`showState.${show.state}`)}</span>
      ${may('show.start') && show.state === 'scheduled' ? html`<button class="start" onClick=${() => setAsking('start')}>${t('shows.start')}</button>` : null}
      ${
        may('show.stop') && (show.state === 'on_air' || show.state === 'scheduled')
          ? html`<button class=${`danger ${stopAction}`} onClick=${() => setAsking(stopAction)}>
              ${t(stopAction === 'stop' ? 'shows.stop' : 'shows.cancel')}
            </button>`
          : null
      }
      ${
        may('preshow') && show.state === 'scheduled'
          ? html`<button class="rerun-preshow" disabled=${rerunning} onClick=${rerun}>
              ${rerunning ? t('shows.rerunning') : t('shows.rerun')}
            </button>`
          : null
      }
      ${error ? html`<span class="error" role="alert">${error}</span>` : null}
    </div>
    <div class="timeline">
      <div class="bar" style=${`left:${left}%;width:${width}%`}></div>
      <div class="now" style=${`left:${((p.now - p.dayStart) / day) * 100}%`}></div>
    </div>
    ${p.checklist ? html`<${ChecklistView} checklist=${p.checklist} />` : html`<p class="muted">${t('shows.noPreshow')}</p>`}
    ${
      asking
        ? html`<${ConfirmDialog}
            ...${showConfirmation(asking, show, p.checklist, t, f)}
            onConfirm=${() => act(asking)}
            onCancel=${() => setAsking(undefined)}
          />`
        : null
    }
  </li>`;
}

export function Shows(p: { events: ControllerEvent[] }) {
  const t = useT(actions);
  const [shows, setShows] = useState<Show[]>([]);
  const [checklists, setChecklists] = useState(new Map<string, Checklist>());
  const [error, setError] = useState('');
  const now = Date.now();
  const dayStart = startOfDay(now);
  const relevant = p.events.filter(changesShows).length;
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
    <h2>${t('shows.today')}</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${shows.length === 0 ? html`<p class="empty">${t('shows.empty', { command: 'onair show add' })}</p>` : null}
    <ul class="show-list">
      ${shows.map((s) => html`<${ShowRow} key=${s.id} show=${s} now=${now} dayStart=${dayStart} checklist=${checklists.get(s.id)} onChanged=${load} />`)}
    </ul>
  </div>`;
}
