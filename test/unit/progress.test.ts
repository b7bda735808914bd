/** A tile's failover message ages, clears, and says when what happened since contradicts it (issue 24). */
import { describe, expect, it } from 'vitest';
import { CLEAR_AFTER_MS, FRESH_MS, progressOf, progressView, type FailoverProgress, type ProgressView } from '../../console/progress.ts';
import type { DeviceStatus, SlotState } from '../../protocols/schemas.ts';
import type { ControllerEvent } from '../../protocols/events.ts';

const CONFIRMED_AT = 1_000_000;
const confirmed: FailoverProgress = { phase: 'confirmed', ts: CONFIRMED_AT, to: 'agent-b/cam-2', durationMs: 422 };
const started: FailoverProgress = { phase: 'started', ts: CONFIRMED_AT, reason: 'cam-1 dead' };
const failed: FailoverProgress = { phase: 'failed', ts: CONFIRMED_AT, reason: 'no healthy backup' };

/** The slot now: who is live, each member's status, and since when the slot's state holds. */
function slot(active: 'cam-1' | 'cam-2' | null, cam1: DeviceStatus, cam2: DeviceStatus, state: SlotState['state'] = 'ok'): SlotState {
  const ref = (d: string) => ({ agent: d === 'cam-1' ? 'agent-a' : 'agent-b', device: d });
  return {
    slot: 'studio-a/cam-wide',
    state,
    active: active ? ref(active) : null,
    primary: ref('cam-1'),
    backups: [ref('cam-2')],
    members: [
      { ...ref('cam-1'), status: cam1, role: 'primary' },
      { ...ref('cam-2'), status: cam2, role: 'backup' },
    ],
    params: {},
    onAir: true,
    primaryAvailable: false,
    ts: CONFIRMED_AT + 1_000,
  };
}

const statusSince = (member: string) => (member === 'agent-b/cam-2' ? CONFIRMED_AT + 1_000 : undefined);

const cases: Array<[string, FailoverProgress, SlotState, number, ProgressView]> = [
  ['confirmed, just now: fresh', confirmed, slot('cam-2', 'failed', 'ok'), 2_000, { show: 'fresh', ageMs: 2_000 }],
  ['confirmed, 12 s ago: aged', confirmed, slot('cam-2', 'failed', 'ok'), 12_000, { show: 'aged', ageMs: 12_000 }],
  ['confirmed, the fresh window just past: aged', confirmed, slot('cam-2', 'failed', 'ok'), FRESH_MS, { show: 'aged', ageMs: FRESH_MS }],
  ['confirmed, a minute ago: cleared', confirmed, slot('cam-2', 'failed', 'ok'), CLEAR_AFTER_MS, { show: 'cleared' }],
  [
    'confirmed, then the new live member failed: contradicted, since its failure',
    confirmed,
    slot('cam-2', 'failed', 'failed', 'down'),
    3_000,
    { show: 'contradicted', ageMs: 3_000, member: 'agent-b/cam-2', now: 'failed', since: CONFIRMED_AT + 1_000 },
  ],
  [
    'confirmed, then its agent went offline: contradicted',
    confirmed,
    slot('cam-2', 'ok', 'offline', 'down'),
    20_000,
    { show: 'contradicted', ageMs: 20_000, member: 'agent-b/cam-2', now: 'offline', since: CONFIRMED_AT + 1_000 },
  ],
  [
    'confirmed, then another member went live: contradicted, since the slot changed',
    confirmed,
    slot('cam-1', 'ok', 'ok'),
    3_000,
    { show: 'contradicted', ageMs: 3_000, member: 'agent-a/cam-1', now: 'replaced', since: CONFIRMED_AT + 1_000 },
  ],
  [
    'confirmed, nothing live now: contradicted',
    confirmed,
    slot(null, 'failed', 'degraded', 'down'),
    3_000,
    { show: 'contradicted', ageMs: 3_000, member: 'agent-b/cam-2', now: 'degraded', since: CONFIRMED_AT + 1_000 },
  ],
  [
    'confirmed, the live member degraded: still true, fresh',
    confirmed,
    slot('cam-2', 'failed', 'degraded', 'degraded'),
    1_000,
    { show: 'fresh', ageMs: 1_000 },
  ],
  ['a contradiction clears too', confirmed, slot('cam-2', 'failed', 'failed', 'down'), CLEAR_AFTER_MS + 1, { show: 'cleared' }],
  [
    'started, still failing over after a minute: fresh',
    started,
    slot('cam-1', 'failed', 'ok', 'failing_over'),
    90_000,
    { show: 'fresh', ageMs: 90_000 },
  ],
  ['started, the slot no longer failing over: aged', started, slot('cam-2', 'failed', 'ok'), 15_000, { show: 'aged', ageMs: 15_000 }],
  ['failed, just now: fresh', failed, slot('cam-1', 'failed', 'failed', 'down'), 500, { show: 'fresh', ageMs: 500 }],
  ['failed, long ago: cleared', failed, slot('cam-1', 'failed', 'failed', 'down'), 3_600_000, { show: 'cleared' }],
  ['a page clock behind the controller: age 0, fresh', confirmed, slot('cam-2', 'failed', 'ok'), -2_000, { show: 'fresh', ageMs: 0 }],
];

describe('progressView', () => {
  it.each(cases)('%s', (_name, progress, now, after, view) => {
    expect(progressView(progress, now, CONFIRMED_AT + after, statusSince)).toEqual(view);
  });
});

describe('progressOf', () => {
  const base = { seq: 1, ts: 5, slot: 'studio-a/cam-wide', by: 'eve@console' };
  it('keeps what the message needs, and nothing for other events', () => {
    const succeeded = {
      ...base,
      type: 'failover.succeeded',
      data: { from: 'agent-a/cam-1', to: 'agent-b/cam-2', durationMs: 422, attempts: [] },
    };
    expect(progressOf(succeeded as unknown as ControllerEvent)).toEqual({
      phase: 'confirmed',
      ts: 5,
      by: 'eve@console',
      to: 'agent-b/cam-2',
      durationMs: 422,
    });
    expect(progressOf({ ...base, type: 'slot.down', data: {} } as unknown as ControllerEvent)).toBeUndefined();
  });
});
