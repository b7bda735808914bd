/**
 * The engineer's console: the login, then the studio wall, devices, shows, events and reports, all
 * fed by the controller's live feed. Routes are the URL's hash (#/wall, #/device/a/d, #/shows,
 * #/events, #/reports, #/incidents, #/duty) so a tablet can bookmark a page.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SlotDefinition } from '../protocols/registry-operations.ts';
import type { Job } from '../protocols/plan-schemas.ts';
import type { StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, fetchSession, login, logout, onLoggedOut, setApiLocale, type LiveState, type Session } from './api.ts';
import { openFeed, type Feed } from './feed.ts';
import { AlarmBar } from './alarm-bar.ts';
import { Device } from './device.ts';
import { Duty } from './duty.ts';
import { Events } from './events.ts';
import { Incidents } from './incidents.ts';
import { progressOf, type FailoverProgress } from './progress.ts';
import { html } from './html.ts';
import { Reports } from './reports.ts';
import { Shows } from './shows.ts';
import { wallContext } from './wall.ts';
import { ArrangedWall } from './arrange.ts';
import { WallScreen, wallScreenAddress } from './kiosk.ts';
import { LocaleContext, initialLocale, rememberLocale, useLocale, useT } from './i18n.ts';
import { LOCALES, LOCALE_NAMES, type Locale } from '../i18n/locales.ts';
import { translator } from '../i18n/translator.ts';
import { common } from '../i18n/messages/common.ts';
import { shell } from '../i18n/messages/shell.ts';
import type { Role } from '../protocols/access.ts';

const KEEP_EVENTS = 5_000;
/** The product's name, the same in every language. */
const BRAND = 'OnAir';
/** Events after which the wall's definitions and self-test results are read again. */
const CONTEXT_EVENTS = new Set(['slot.defined', 'slot.removed', 'job.finished', 'device.added', 'device.removed']);

function Login(p: { onLogin(s: Session): void; switcher: unknown }) {
  const t = useT(shell);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    try {
      p.onLogin(await login(String(form.get('username') ?? ''), String(form.get('password') ?? '')));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return html`<main class="login">
    <form onSubmit=${submit} aria-label=${t('login.form')}>
      <h1>${BRAND}</h1>
      <label>${t('login.user')} <input name="username" autocomplete="username" required autofocus /></label>
      <label>${t('login.password')} <input name="password" type="password" autocomplete="current-password" required /></label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button type="submit">${t('login.submit')}</button>
      ${p.switcher}
    </form>
  </main>`;
}

const route = (): string[] => location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);

const LINK_WORDS = { live: 'link.live', connecting: 'link.connecting', reconnecting: 'link.reconnecting' } as const;
/** Each role's word (the type check asks for every role the contract has; the page may import no schema). */
const ROLE_WORDS: Record<Role, `role.${Role}`> = {
  viewer: 'role.viewer',
  technician: 'role.technician',
  engineer: 'role.engineer',
  admin: 'role.admin',
};

function Console(p: { session: Session; feed: Feed; switcher: unknown }) {
  const t = useT(shell);
  const tc = useT(common);
  const [status, setStatus] = useState<StatusData | undefined>(undefined);
  const [events, setEvents] = useState<ControllerEvent[]>([]);
  const [state, setState] = useState<LiveState>('connecting');
  const [path, setPath] = useState(route());
  const [context, setContext] = useState<{ definitions: Map<string, SlotDefinition>; lastTests: Map<string, Job> }>({
    definitions: new Map(),
    lastTests: new Map(),
  });
  const [progress, setProgress] = useState(new Map<string, FailoverProgress>());
  const [contextStale, setContextStale] = useState(0);

  useEffect(() => {
    const onHash = () => setPath(route());
    addEventListener('hashchange', onHash);
    let lastSeq = 0;
    const close = p.feed.subscribe({
      status: setStatus,
      state: (s) => {
        setState(s);
        // After a gap, what was missed comes from the log (events are numbered, so none twice).
        if (s === 'live')
          void ask('events', { limit: 2_000 }).then(
            (r) => setEvents((old) => merge(old, r.events)),
            () => undefined, // a leader changing hands answers nothing for a moment: the next 'live' asks again
          );
      },
      event: (e) => {
        lastSeq = Math.max(lastSeq, e.seq);
        setEvents((old) => merge(old, [e]));
        const pr = progressOf(e);
        if (pr && e.slot) setProgress((old) => new Map(old).set(e.slot!, pr));
        if (CONTEXT_EVENTS.has(e.type)) setContextStale((n) => n + 1);
      },
    });
    return () => (close(), removeEventListener('hashchange', onHash));
  }, [p.feed]);
  // After the first picture is painted: the tiles' self-test lines and program tallies can come a frame later.
  useEffect(() => {
    if (!status) return undefined;
    const timer = setTimeout(() => void wallContext().then(setContext, () => undefined), contextStale === 0 ? 100 : 0);
    return () => clearTimeout(timer);
  }, [contextStale, status === undefined]);

  const [page = 'wall', ...rest] = path;
  // The same vnode while its inputs are the same: new events alone do not re-render 500 tiles.
  const wall = useMemo(
    () => status && html`<${ArrangedWall} status=${status} ...${context} progress=${progress} feed=${state} />`,
    [status, context, progress, state],
  );
  const nav = (to: string, label: string) => html`<a href=${`#/${to}`} class=${page === to ? 'current' : ''}>${label}</a>`;
  const onAir = status?.onAir
    ? html`<span class="badge on-air-badge">${tc('onAir')}</span>`
    : html`<span class="badge">${tc('offAir')}</span>`;
  let body;
  if (!status) body = html`<p>${t('connectingController')}</p>`;
  else if (page === 'device' && rest.length >= 2) body = html`<${Device} agent=${rest[0]} device=${rest[1]} status=${status} />`;
  else if (page === 'shows') body = html`<${Shows} events=${events} />`;
  else if (page === 'events') body = html`<${Events} events=${events} />`;
  else if (page === 'reports') body = html`<${Reports} />`;
  else if (page === 'duty') body = html`<${Duty} events=${events} />`;
  else if (page === 'incidents') body = html`<${Incidents} events=${events} />`;
  else body = wall;
  return html`<div class="console">
    <nav aria-label=${t('nav.label')}>
      <strong class="brand">${BRAND}</strong> ${onAir} ${nav('wall', t('nav.wall'))} ${nav('shows', t('nav.shows'))}
      ${nav('events', t('nav.events'))} ${nav('reports', t('nav.reports'))} ${nav('incidents', t('nav.incidents'))}
      ${nav('duty', t('nav.duty'))}
      <span class=${`link link-${state}`} role="status">${t(LINK_WORDS[state])}</span>
      ${p.switcher}
      <span class="who"
        >${t('who', { user: p.session.user, role: p.session.role in ROLE_WORDS ? t(ROLE_WORDS[p.session.role as Role]) : p.session.role })}</span
      >
      <button class="logout" onClick=${() => void logout()}>${t('logout')}</button>
    </nav>
    <${AlarmBar} events=${events} />
    <main>${body}</main>
  </div>`;
}

/** Events by number, oldest first, without duplicates, the newest KEEP_EVENTS kept. */
function merge(old: ControllerEvent[], more: ControllerEvent[]): ControllerEvent[] {
  if (more.length === 1 && (old.length === 0 || old[old.length - 1]!.seq < more[0]!.seq)) return [...old.slice(1 - KEEP_EVENTS), more[0]!];
  const bySeq = new Map(old.map((e) => [e.seq, e]));
  for (const e of more) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-KEEP_EVENTS);
}

/** The language switch: every page, every locale by its own name. */
function LanguageSwitch(p: { onChange(locale: Locale): void }) {
  const locale = useLocale();
  const t = useT(common);
  return html`<label class="language"
    >${t('language')}
    <select value=${locale} onChange=${(e: Event) => p.onChange((e.target as HTMLSelectElement).value as Locale)}>
      ${LOCALES.map((l) => html`<option value=${l} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
    </select></label
  >`;
}

function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  setApiLocale(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = translator(shell, locale)('title');
  }, [locale]);
  const choose = (l: Locale) => (rememberLocale(l), setLocale(l));
  return html`<${LocaleContext.Provider} value=${locale}><${Pages} switcher=${html`<${LanguageSwitch} onChange=${choose} />`} /></${LocaleContext.Provider}>`;
}

function Pages(p: { switcher: unknown }) {
  const t = useT(shell);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  // Opened at once, beside the login check: a page that is logged in gets its picture sooner.
  const [feed, setFeed] = useState<Feed | undefined>(() => openFeed());
  useEffect(() => {
    onLoggedOut(() => setSession(null));
    void fetchSession().then(
      (s) => setSession(s ?? null),
      () => setSession(null),
    );
  }, []);
  useEffect(() => {
    if (session === null && feed) (feed.close(), setFeed(undefined));
    else if (session && !feed) setFeed(openFeed());
  }, [session]);
  if (session === undefined) return html`<p>${t('loading')}</p>`;
  if (session === null) return html`<${Login} onLogin=${setSession} switcher=${p.switcher} />`;
  const wallScreen = wallScreenAddress(location); // /console/wall: the wall alone (console/kiosk.ts)
  if (feed && wallScreen) return html`<${WallScreen} feed=${feed} address=${wallScreen} />`;
  return feed ? html`<${Console} session=${session} feed=${feed} switcher=${p.switcher} />` : html`<p>${t('connecting')}</p>`;
}

const root = document.getElementById('app')!;
// index.html's loading lines (one per language) go: preact would keep the ones it does not reuse.
root.replaceChildren();
render(html`<${App} />`, root);
