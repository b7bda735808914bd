/** Incidents: the attach rule over literal alerts, and the post-incident report rendered from a literal record. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import type { Alert, Incident } from '../../../protocols/alerting.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import { migrate } from '../../../controller/store/migrations.ts';
import { IncidentLedger, type AttachedAlert } from '../../../controller/alerting/incidents/incident-ledger.ts';
import { incidentDocument } from '../../../controller/alerting/incidents/incident-report.ts';
import { toHtml, toMarkdown } from '../../../controller/alerting/incidents/document.ts';

const T0 = Date.UTC(2026, 10, 12, 19, 0, 0);
const MIN = 60_000;

function ledger() {
  const db = new Database(':memory:');
  migrate(db);
  const clock = new ManualClock(T0);
  const recorded: NewEvent[] = [];
  return { db, clock, recorded, book: new IncidentLedger({ db, clock, record: (e) => recorded.push(e) }) };
}

const alert = (id: number, labels: AttachedAlert['labels'], startsAt: number, summary = `alert ${id}`): AttachedAlert => ({
  id,
  kind: 'device',
  severity: 'warning',
  labels,
  summary,
  startsAt,
});

describe('IncidentLedger.attach', () => {
  it('joins an open incident of the same studio opened within the hour; a new one after it, or in another studio', () => {
    const { book, recorded } = ledger();
    const first = book.attach(alert(1, { studio: 'studio-a', agent: 'agent-a', device: 'cam-1' }, T0, 'cam-1 failed'));
    expect(first).toMatchObject({ id: 1, title: 'cam-1 failed', studio: 'studio-a', state: 'open', openedAt: T0, alerts: [1] });
    expect(recorded).toEqual([
      expect.objectContaining({ type: 'incident.opened', data: { incident: 1, title: 'cam-1 failed', alert: 1 } }),
    ]);

    expect(book.attach(alert(2, { studio: 'studio-a', agent: 'agent-b' }, T0 + 59 * MIN)).id).toBe(1);
    expect(book.get(1)!.alerts).toEqual([1, 2]);
    expect(book.attach(alert(3, { studio: 'studio-b' }, T0 + MIN)).id).toBe(2);
    expect(book.attach(alert(4, { studio: 'studio-a' }, T0 + 61 * MIN)).id, 'opened more than an hour before').toBe(3);
    expect(recorded.filter((e) => e.type === 'incident.opened')).toHaveLength(3);
  });

  it('without a studio joins by agent; a resolved incident takes no new alert', () => {
    const { book } = ledger();
    expect(book.attach(alert(1, { agent: 'agent-a' }, T0)).id).toBe(1);
    expect(book.attach(alert(2, { agent: 'agent-a', device: 'cam-2' }, T0 + MIN)).id).toBe(1);
    expect(book.attach(alert(3, { agent: 'agent-b' }, T0 + MIN)).id).toBe(2);
    expect(book.attach(alert(4, { studio: 'studio-a', agent: 'agent-a' }, T0 + MIN)).id, 'a studio incident is not an agent one').toBe(3);
    book.resolve(1, 'wang', 0, T0 + 2 * MIN);
    expect(book.attach(alert(5, { agent: 'agent-a' }, T0 + 3 * MIN)).id).toBe(4);
  });

  it('knows an agent incident from its stored alerts after a restart', () => {
    const { db, clock, book } = ledger();
    book.attach(alert(1, { agent: 'agent-a' }, T0));
    const stored: Alert = {
      ...alert(1, { agent: 'agent-a' }, T0),
      key: 'agent-lost:agent-a',
      state: 'firing',
      updatedAt: T0,
      count: 1,
      inhibits: [],
      events: [],
      level: 0,
      incident: 1,
    };
    db.prepare('INSERT INTO alerts (id, key, state, incident, starts_at, body) VALUES (1, ?, ?, 1, ?, ?)').run(
      stored.key,
      'firing',
      T0,
      JSON.stringify(stored),
    );
    const restarted = new IncidentLedger({ db, clock, record: () => undefined });
    expect(restarted.attach(alert(2, { agent: 'agent-a' }, T0 + MIN)).id).toBe(1);
  });

  it('names the people involved once, keeps the first acknowledgement, and records notes', () => {
    const { book, recorded, clock } = ledger();
    book.attach(alert(1, { studio: 'studio-a' }, T0));
    book.involve(1, 'wang', T0);
    book.involve(1, 'wang', T0 + 1);
    book.acknowledged(1, T0 + 90_000);
    book.acknowledged(1, T0 + 200_000);
    clock.set(T0 + 5 * MIN);
    const noted = book.note(1, 'swapped the SDI cable', 'li');
    expect(noted).toMatchObject({
      people: ['wang', 'li'],
      ackedAt: T0 + 90_000,
      notes: [{ at: T0 + 5 * MIN, by: 'li', text: 'swapped the SDI cable' }],
    });
    expect(recorded.at(-1)).toMatchObject({ type: 'incident.noted', by: 'li', data: { incident: 1, text: 'swapped the SDI cable' } });
    expect(() => book.note(9, 'x', 'li')).toThrow('no incident 9');
  });
});

describe('IncidentLedger reads', () => {
  it('skips and reports a stored incident that no longer matches its schema', () => {
    const { db, clock } = ledger();
    const corrupt: string[] = [];
    const book = new IncidentLedger({
      db,
      clock,
      record: () => undefined,
      onCorrupt: (table, key, reason) => corrupt.push(`${table} ${key} ${reason}`),
    });
    book.attach(alert(1, { studio: 'studio-a' }, T0));
    book.attach(alert(2, { studio: 'studio-b' }, T0));
    db.prepare('UPDATE incidents SET body = ? WHERE id = 1').run('{"id":1}');
    expect(book.list().map((i) => i.id)).toEqual([2]);
    expect(book.get(1)).toBeUndefined();
    expect(corrupt[0]).toMatch(/^incidents 1 /);
  });
});

const incident: Incident = {
  id: 7,
  title: 'agent-a lost: 4 devices, 2 slots affected, all failed over',
  state: 'resolved',
  studio: 'studio-a',
  show: 'news',
  openedAt: T0,
  resolvedAt: T0 + 12 * MIN,
  resolvedBy: 'wang',
  alerts: [3],
  people: ['wang', 'li'],
  notes: [{ at: T0 + 4 * MIN, by: 'li', text: 'agent-a host rebooted' }],
  ackedAt: T0 + 90_000,
  impactMs: 1_500,
  review: {
    cause: 'the agent host ran out of memory',
    fix: 'restarted the agent; raised its memory limit',
    followUps: [{ what: 'add swap to agent hosts', owner: 'wang', due: Date.UTC(2026, 10, 20) }],
  },
};

describe('post-incident report', () => {
  const record = { incident, alerts: [], notifications: [], timeline: [] };

  it('says what happened, the impact, cause, fix, follow-ups and times, in English', () => {
    const md = toMarkdown(incidentDocument(record, 'en', T0 + 60 * MIN)).split('\n');
    expect(md[0]).toBe('# Incident report #7: agent-a lost: 4 devices, 2 slots affected, all failed over');
    expect(md).toContain('Studio studio-a, show news; opened 2026-11-12 19:00:00 UTC, ended 2026-11-12 19:12:00 UTC (resolved).');
    expect(md).toContain(
      '1.5 s lost on air (the same figures as the 1% technical failure rate: slot down, program black/frozen/silent, playback stalled).',
    );
    expect(md).toContain('the agent host ran out of memory');
    expect(md).toContain('restarted the agent; raised its memory limit');
    expect(md).toContain('| add swap to agent hosts | wang | 2026-11-20 |  |');
    expect(md).toContain('- Time to acknowledge: 90 s');
    expect(md).toContain('- Time to resolve: 12.0 min');
    expect(md).toContain('- 2026-11-12 19:04:00 UTC li: agent-a host rebooted');
  });

  it('speaks Simplified Chinese from the same table, and asks the engineer for what is missing', () => {
    const open = { ...incident, state: 'open' as const, review: undefined, resolvedAt: undefined };
    const md = toMarkdown(incidentDocument({ ...record, incident: open }, 'zh-CN', T0)).split('\n');
    expect(md[0]).toBe('# 事故报告 #7：agent-a lost: 4 devices, 2 slots affected, all failed over');
    expect(md).toContain('## 原因');
    expect(md).toContain('（待工程师填写：onair incident review）');
    expect(md).toContain('- 解决用时：尚未');
  });

  it('is a self-contained printable page: inline CSS with print rules, nothing fetched, text escaped', () => {
    const page = toHtml(incidentDocument({ ...record, incident: { ...incident, title: '<script>x</script>' } }, 'en', T0));
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('@media print');
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
