/**
 * The pure parts of acting safely in the console (issue 24): where Tab goes in the modal, what the
 * failover dialog says will happen, what a show's confirmation says, and the checklist's verdicts,
 * "GO — no backup" naming every backup that failed its self-test.
 */
import { describe, expect, it } from 'vitest';
import type { Checklist, Show } from '../../protocols/plan-schemas.ts';
import type { DeviceSummary, SlotState } from '../../protocols/schemas.ts';
import { formatsFor, translator } from '../../i18n/translator.ts';
import { actions } from '../../i18n/messages/actions.ts';
import {
  checkProgress,
  failoverPlan,
  failoverSentences,
  memberName,
  nextFocus,
  showConfirmation,
  slotAdvice,
  slotHeadline,
  slotVerdict,
} from '../../console/acting.ts';

const t = translator(actions, 'en');
const f = formatsFor('en', 'UTC');

describe('the modal keeps Tab inside', () => {
  it('goes round: after the last the first, before the first (Shift) the last', () => {
    expect(nextFocus(3, 0, false)).toBe(1);
    expect(nextFocus(3, 2, false)).toBe(0);
    expect(nextFocus(3, 0, true)).toBe(2);
    expect(nextFocus(3, 1, true)).toBe(0);
  });
  it('from outside its elements, into the first (or the last with Shift); nothing to focus: nowhere', () => {
    expect(nextFocus(3, -1, false)).toBe(0);
    expect(nextFocus(3, -1, true)).toBe(2);
    expect(nextFocus(0, -1, false)).toBe(-1);
  });
});

const device = (agent: string, id: string, status: DeviceSummary['status'], label?: string) =>
  [`${agent}/${id}`, { agent, device: id, status, since: 0, reported: status, lastHealthAt: null, ...(label ? { label } : {}) }] as const;

const slot: SlotState = {
  slot: 'studio-a/cam-wide',
  state: 'ok',
  active: { agent: 'agent-a', device: 'cam-1' },
  primary: { agent: 'agent-a', device: 'cam-1' },
  backups: [
    { agent: 'agent-b', device: 'cam-2' },
    { agent: 'agent-c', device: 'cam-3' },
  ],
  members: [
    { agent: 'agent-a', device: 'cam-1', role: 'primary' },
    { agent: 'agent-b', device: 'cam-2', role: 'backup' },
    { agent: 'agent-c', device: 'cam-3', role: 'backup' },
  ],
  params: {},
  onAir: true,
  primaryAvailable: false,
  ts: 0,
} as SlotState;
const program = [
  { member: { agent: 'agent-b', device: 'cam-2' }, switcher: { agent: 'agent-p', device: 'obs' }, source: 'scene:Cam 2' },
  { member: { agent: 'agent-c', device: 'cam-3' }, switcher: { agent: 'agent-p', device: 'obs' }, source: 'scene:Cam 3' },
];

describe('the failover dialog says what will happen', () => {
  it('the first healthy member goes live (ok before degraded, never the live one), with its program cut', () => {
    const devices = new Map<string, DeviceSummary>([
      device('agent-a', 'cam-1', 'failed'),
      device('agent-b', 'cam-2', 'degraded'),
      device('agent-c', 'cam-3', 'ok', 'Wide camera — PTZOptics'),
    ]);
    const plan = failoverPlan(slot, devices, { program }, '');
    expect(plan.target).toEqual({ agent: 'agent-c', device: 'cam-3' });
    expect(failoverSentences(slot, plan, devices, t)).toEqual([
      'Wide camera — PTZOptics (agent-c/cam-3) goes live in studio-a/cam-wide in place of agent-a/cam-1.',
      'On air, if the program shows agent-a/cam-1, agent-p/obs cuts the program to scene:Cam 3.',
    ]);
  });
  it('the member chosen, whatever its state; no mapping for it: no cut, and it says so', () => {
    const devices = new Map<string, DeviceSummary>([device('agent-b', 'cam-2', 'failed')]);
    const plan = failoverPlan(slot, devices, { program: program.slice(1) }, 'agent-b/cam-2');
    expect(plan.target).toEqual({ agent: 'agent-b', device: 'cam-2' });
    expect(failoverSentences(slot, plan, devices, t)).toEqual([
      'agent-b/cam-2 goes live in studio-a/cam-wide in place of agent-a/cam-1.',
      'This member maps to no program source: the program is not cut.',
    ]);
  });
  it('nothing healthy: the controller refuses, and the dialog says so first', () => {
    const plan = failoverPlan(slot, new Map(), undefined, '');
    expect(plan.target).toBeUndefined();
    expect(failoverSentences(slot, plan, new Map(), t)).toEqual([
      'No member of studio-a/cam-wide is healthy now: the controller refuses the failover unless you choose one.',
    ]);
  });
  it('a member is named by its label when the status carries one, else by its id', () => {
    expect(memberName({ agent: 'a', device: 'd' }, new Map([device('a', 'd', 'ok', 'Mic 1')]))).toBe('Mic 1 (a/d)');
    expect(memberName({ agent: 'a', device: 'd' }, new Map([device('a', 'd', 'ok')]))).toBe('a/d');
  });
});

const show: Show = {
  id: 'news',
  studio: 'studio-a',
  title: 'Evening news',
  startsAt: Date.UTC(2026, 11, 7, 19, 0),
  endsAt: Date.UTC(2026, 11, 7, 20, 0),
  slots: ['studio-a/cam-wide', 'studio-a/stream'],
  stream: 'studio-a/stream',
  startStream: true,
  preShowMinutes: 30,
  state: 'scheduled',
  startedAt: null,
  endedAt: null,
};

type Member = Checklist['slots'][number]['members'][number];
const member = (device: string, role: Member['role'], ready: boolean, result: Member['result'] = ready ? 'passed' : 'failed'): Member => ({
  agent: 'agent-a',
  device,
  role,
  ready,
  result,
  attempts: 2,
});
const checklist = (slots: Checklist['slots'], finishedAt: number | null = show.startsAt - 600_000): Checklist => ({
  show: 'news',
  studio: 'studio-a',
  startsAt: show.startsAt,
  startedAt: show.startsAt - 1_800_000,
  finishedAt,
  go: slots.every((s) => s.go),
  slots,
});

describe("a show's confirmation names it and says what follows", () => {
  it('Start now: on air now, failover armed on its slots, its stream, the pre-show result', () => {
    const noBackup = { slot: 'studio-a/stream', go: true, verdict: 'go-no-backup' as const, members: [] };
    const c = showConfirmation('start', show, checklist([noBackup]), t, f);
    expect(c.title).toBe('Start Evening news now?');
    expect(c.lines).toEqual([
      'Evening news goes on air now (planned for 19:00:00) and off air by itself at 20:00:00.',
      'Failover is armed on its 2 slots: studio-a/cam-wide, studio-a/stream.',
      'Its stream starts on studio-a/stream.',
      'Pre-show check: GO, with no backup in 1 slot (18:50:00).',
    ]);
    expect(c.tone).toBe('go');
    expect(showConfirmation('start', show, undefined, t, f).lines.at(-1)).toBe('No pre-show check has run: its gear is untested.');
  });
  it('Cancel and Stop are destructive, and say what is lost', () => {
    const cancel = showConfirmation('cancel', show, undefined, t, f);
    expect(cancel.title).toBe('Cancel Evening news?');
    expect(cancel.lines[0]).toContain('will not go on air, and its queued pre-show tests are skipped');
    expect([cancel.tone, showConfirmation('stop', { ...show, state: 'on_air' }, undefined, t, f).tone]).toEqual(['danger', 'danger']);
  });
});

describe('the checklist', () => {
  it('"GO — no backup" names every backup that failed, for every such slot', () => {
    const one = {
      slot: 's/a',
      go: true,
      verdict: 'go-no-backup' as const,
      members: [member('p', 'primary', true), member('b', 'backup', false)],
    };
    const two = {
      slot: 's/b',
      go: true,
      verdict: 'go-no-backup' as const,
      members: [member('p2', 'primary', true), member('b2', 'backup', false), member('b3', 'backup', false, 'timed_out')],
    };
    expect(slotHeadline(one, t)).toBe('GO — no backup s/a: backup agent-a/b failed its self-test');
    expect(slotHeadline(two, t)).toBe('GO — no backup s/b: backups agent-a/b2, agent-a/b3 failed their self-test');
    expect(slotAdvice(two, t)).toBe('Fix or replace a backup before air.');
  });
  it('a checklist stored without verdicts reads the same from its members', () => {
    const old = { slot: 's/a', go: true, members: [member('p', 'primary', true), member('b', 'backup', false)] };
    expect(slotVerdict(old)).toBe('go-no-backup');
    expect(slotVerdict({ ...old, members: [member('p', 'primary', true), member('b', 'backup', true)] })).toBe('go');
    expect(slotVerdict({ ...old, go: false })).toBe('no-go');
  });
  it('proposes the swap a failed primary needs, with the command', () => {
    const s = { slot: 's/a', go: true, verdict: 'go' as const, members: [member('p', 'primary', false), member('b', 'backup', true)] };
    expect(slotAdvice(s, t)).toBe(
      'Proposed: put agent-a/b in place of agent-a/p before air: onair failover s/a --to agent-a/b --reason "pre-show check"',
    );
    expect(slotAdvice({ ...s, swapped: true }, t)).toBe('agent-a/b was put in place of agent-a/p before air.');
  });
  it('a running check counts its finished tests', () => {
    const running = checklist(
      [
        {
          slot: 's/a',
          go: false,
          members: [member('p', 'primary', true), member('b', 'backup', false, 'running'), member('c', 'backup', false, 'queued')],
        },
      ],
      null,
    );
    expect(checkProgress(running)).toEqual({ done: 1, total: 3 });
  });
});
