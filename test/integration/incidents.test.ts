/**
 * Incidents and the monthly review over a real controller and its store, through the `onair` CLI:
 * an incident gathered around a camera failure on air is noted, resolved (its impact measured by the
 * 1% rate's rule), reviewed and written up; a seeded month reads back its known failure rate.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import type { Controller } from '../../controller/controller.ts';
import type { Alert, Incident } from '../../protocols/alerting.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import { IncidentLedger } from '../../controller/alerting/incidents/incident-ledger.ts';
import { reportWords } from '../../controller/alerting/incidents/report-words.ts';

const utc = reportWords('en').at;
import { monthBounds, type MonthReview } from '../../controller/alerting/incidents/month-review.ts';
import { removeDir, runOnair, startController, tempDir } from './helpers.ts';

const onair = async (...args: string[]) => {
  const run = await runOnair(broker, ...args);
  expect(run.stderr, args.join(' ')).toBe('');
  expect(run.code, args.join(' ')).toBe(0);
  return run.stdout;
};

let dir: string;
let broker: string;
let controller: Controller;
let db: Database.Database;

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: dir });
  broker = controller.brokerUrl;
  // The alert engine's side of the ledger (it attaches each new alert), over its own connection to the store's file.
  db = new Database(path.join(dir, 'onair.sqlite'));
}, 30_000);

afterAll(async () => {
  db?.close();
  await controller?.stop();
  removeDir(dir);
});

const MIN = 60_000;
const CAM = 'agent-a/cam-1';
const SLOT = 'studio-a/cam';

/** A show on air in studio-a from `start`; its camera fails at `f` (first failed probe 400 ms before) and the backup takes over 301 ms later. */
function cameraFailure(start: number, f: number, downMs: number): NewEvent[] {
  return [
    { type: 'device.state', ts: start - 2, agent: 'agent-a', device: 'cam-1', data: { from: 'unknown', to: 'ok' } },
    { type: 'slot.state', ts: start - 1, slot: SLOT, data: { from: 'none', to: 'ok', active: CAM } },
    {
      type: 'show.started',
      ts: start,
      data: { show: 'news', title: 'News', studio: 'studio-a', slots: [{ slot: SLOT, members: [CAM, 'agent-b/cam-2'] }] },
    },
    {
      type: 'device.state',
      ts: f,
      agent: 'agent-a',
      device: 'cam-1',
      reason: 'no reply',
      data: { from: 'ok', to: 'failed', failingSince: f - 400 },
    },
    { type: 'slot.state', ts: f + 10, slot: SLOT, data: { from: 'ok', to: 'failing_over', active: CAM } },
    { type: 'failover.started', ts: f + 20, slot: SLOT, by: 'controller', data: { from: CAM, candidates: ['agent-b/cam-2'] } },
    {
      type: 'failover.succeeded',
      ts: f + downMs - 1,
      slot: SLOT,
      by: 'controller',
      data: { from: CAM, to: 'agent-b/cam-2', durationMs: downMs - 21, attempts: ['agent-b/cam-2'] },
    },
    { type: 'slot.state', ts: f + downMs, slot: SLOT, data: { from: 'failing_over', to: 'ok', active: 'agent-b/cam-2' } },
  ];
}

describe('onair incident', () => {
  it('gathers, notes, resolves with its on-air impact, reviews and reports an incident', async () => {
    const now = Date.now();
    const f = now - 10 * MIN;
    for (const e of cameraFailure(now - 30 * MIN, f, 301)) controller.record(e);
    controller.record({ type: 'agent.offline', ts: f + 2, agent: 'agent-a', data: { session: 1 } });
    // Another studio's trouble at the same time is not this incident's.
    controller.record({ type: 'agent.offline', ts: f + 3, agent: 'agent-c', data: { session: 1 } });
    controller.record({ type: 'slot.state', ts: f + 5, slot: 'studio-b/cam', data: { from: 'ok', to: 'down', active: 'agent-c/cam-9' } });
    controller.record({ type: 'device.state', ts: f + 6, agent: 'agent-c', device: 'cam-9', data: { from: 'ok', to: 'failed' } });
    const ledger = new IncidentLedger({ db, clock: systemClock, record: (e) => controller.record(e) });
    const opened = ledger.attach({
      id: 1,
      kind: 'device',
      severity: 'warning',
      labels: { studio: 'studio-a', agent: 'agent-a', device: 'cam-1', slot: SLOT, role: 'camera' },
      summary: 'cam-1 failed on air; failed over to agent-b/cam-2',
      startsAt: f,
    });
    ledger.acknowledged(opened.id, f + 90_000);

    expect(await onair('incident', 'list')).toMatch(/^#1 +open .*cam-1 failed on air/);
    await onair('incident', 'note', '1', 'reseated the SDI cable');
    const shown = JSON.parse(await onair('incident', 'show', '1', '--json')) as { incident: Incident; timeline: ControllerEvent[] };
    expect(shown.timeline.map((e) => e.type)).toEqual([
      'device.state',
      'agent.offline',
      'slot.state',
      'failover.started',
      'failover.succeeded',
      'slot.state',
      'incident.opened',
      'incident.noted',
    ]);
    expect(shown.incident.impactMs, 'an open incident shows its impact so far').toBe(301);

    // The alert engine's row of its alert: while nobody has acknowledged it, the incident stays open.
    const alert: Alert = {
      id: 1,
      key: 'device:agent-a/cam-1',
      kind: 'device',
      severity: 'warning',
      state: 'firing',
      labels: { studio: 'studio-a', agent: 'agent-a', device: 'cam-1', slot: SLOT, role: 'camera' },
      summary: opened.title,
      startsAt: f,
      updatedAt: f,
      count: 1,
      inhibits: [],
      events: [],
      level: 0,
      incident: 1,
    };
    const saveAlert = (a: Alert) =>
      db
        .prepare('INSERT OR REPLACE INTO alerts (id, key, state, incident, starts_at, body) VALUES (?, ?, ?, ?, ?, ?)')
        .run(a.id, a.key, a.state, a.incident, a.startsAt, JSON.stringify(a));
    saveAlert(alert);
    const early = await runOnair(broker, 'incident', 'resolve', '1');
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain('incident 1 has alerts nobody acknowledged: #1');
    saveAlert({ ...alert, state: 'acknowledged', ackedAt: f + 90_000, ackedBy: 'wang' });

    expect(await onair('incident', 'resolve', '1')).toMatch(/^#1 +resolved/);
    const resolved = controller.events({ type: 'incident.resolved' });
    expect(resolved.map((e) => e.data)).toEqual([{ incident: 1, impactMs: 301 }]); // from the alert's start to the backup confirmed
    const again = await runOnair(broker, 'incident', 'resolve', '1');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('incident 1 is resolved already');

    const nobody = await runOnair(broker, 'incident', 'review', '1', '--follow-up', 'replace the SDI cable;wang;2026-12-20');
    expect(nobody.stderr).toContain('no person wang: add them first');
    db.prepare('INSERT INTO people (id, login, body) VALUES (?, ?, ?)').run(
      'wang',
      null,
      JSON.stringify({ id: 'wang', name: '王工', contacts: [] }),
    );
    await onair(
      'incident',
      'review',
      '1',
      '--cause',
      'a loose SDI connector',
      '--fix',
      'reseated it',
      '--follow-up',
      'replace the SDI cable;wang;2026-12-20',
    );
    const md = (await onair('incident', 'report', '1', '--locale', 'en')).split('\n');
    expect(md[0]).toBe('# Incident report #1: cam-1 failed on air; failed over to agent-b/cam-2');
    expect(md).toContain(
      '0.3 s lost on air (the same figures as the 1% technical failure rate: slot down, program black/frozen/silent, playback stalled).',
    );
    expect(md).toContain('a loose SDI connector');
    expect(md).toContain('| replace the SDI cable | wang | 2026-12-20 |  |');
    expect(md).toContain('- Time to acknowledge: 90 s');
    expect(md).toContain(`- ${utc(f + 90_000)} wang acknowledged alert #1`);
    expect(md.some((l) => l.includes('failover.succeeded') && l.includes(SLOT))).toBe(true);
    const file = path.join(dir, 'incident-1.html');
    await onair('incident', 'report', '1', '--format', 'html', '--lang', 'zh-CN', '-o', file); // the CLI's language picks the report's
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('事故报告 #1');
  }, 60_000);
});

describe('onair report --month', () => {
  it('reads a seeded month back: the weekly failure rate against 1%, its incident, the gear ranking', async () => {
    const month = '2025-03';
    const { since } = monthBounds(month);
    const start = since + 8 * 86_400_000; // week 2
    // 10 hours on air, 3 minutes and 400 ms of it with the slot down (from the first failed probe): 0.5011%.
    for (const e of cameraFailure(start, start + 60 * MIN, 3 * MIN)) controller.record(e);
    controller.record({ type: 'show.ended', ts: start + 600 * MIN, data: { show: 'news', studio: 'studio-a', onAirMs: 600 * MIN } });
    controller.record({
      type: 'device.state',
      ts: start + 601 * MIN,
      agent: 'agent-a',
      device: 'cam-1',
      data: { from: 'failed', to: 'ok' },
    });

    const ledger = new IncidentLedger({ db, clock: systemClock, record: (e) => controller.record(e) });
    const f = start + 60 * MIN;
    const { id } = ledger.attach({
      id: 2,
      kind: 'device',
      severity: 'critical',
      labels: { studio: 'studio-a' },
      summary: 'cam-1 failed',
      startsAt: f,
    });
    ledger.acknowledged(id, f + 30_000);
    ledger.resolve(id, 'wang', 3 * MIN, f + 20 * MIN);
    ledger.review(id, { cause: 'a loose SDI connector' });

    const review = JSON.parse(await onair('report', '--month', month, '--format', 'json')) as MonthReview;
    expect(review.incidents).toEqual([
      {
        id,
        title: 'cam-1 failed',
        studio: 'studio-a',
        state: 'resolved',
        openedAt: f,
        cause: 'a loose SDI connector',
        ackMs: 30_000,
        resolveMs: 20 * MIN,
        impactMs: 3 * MIN,
      },
    ]);
    const down = 3 * MIN + 400;
    expect(review.weeks.map((w) => w.rate)).toEqual([null, down / (600 * MIN), null, null, null]);
    expect(review.total).toEqual({ onAirMs: 600 * MIN, downOnAirMs: down, rate: down / (600 * MIN), targetMet: true });
    expect(review.gear[0]).toMatchObject({ device: CAM, failures: 1 });

    const csv = await onair('report', '--month', month, '--format', 'csv');
    expect(csv.split('\n')[0]).toBe('section,week,since,until,onAirMs,downOnAirMs,failureRate,target');
    expect(csv).toContain(`weeks,month,${since},`);
    const page = await onair('report', '--month', month, '--format', 'html', '--locale', 'en');
    expect(page).toContain('Monthly review 2025-03');
    expect(page.match(/<svg /g)).toHaveLength(2);
    writeFileSync(path.join(dir, 'month.html'), page);
  }, 60_000);
});

describe('onair runbook', () => {
  it("lists the repository's runbooks, adds a technician's that wins, shows the one an alert gets", async () => {
    expect(await onair('runbook', 'list')).toMatch(/camera-failed +device +camera +repository/);
    const file = path.join(dir, 'camera.md');
    writeFileSync(file, '---\nid: camera-failed\nkind: device\nrole: camera\ntitle: Studio A camera\n---\nThe spare is in cabinet 7.\n');
    expect(await onair('runbook', 'add', file)).toMatch(/camera-failed +device +camera +store +Studio A camera/);
    expect(await onair('runbook', 'show', '--kind', 'device', '--role', 'camera')).toContain('The spare is in cabinet 7.');
    expect(await onair('runbook', 'show', 'program-black')).toContain('# 节目黑场/冻结/静音 / Program black, frozen or silent');
  }, 60_000);
});
