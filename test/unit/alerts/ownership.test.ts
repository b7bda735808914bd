/** Ownership's rules (controller/alerting/alerts/ownership.ts), pure: who may take and release, and what is kept. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../protocols/alerting.ts';
import { loginOf, release, take } from '../../../controller/alerting/alerts/ownership.ts';

const alert = (owner?: Alert['owner']): Alert => ({
  id: 7,
  key: 'controller:storage',
  kind: 'controller',
  severity: 'critical',
  state: 'firing',
  labels: {},
  summary: 'disk full',
  startsAt: 1_000,
  updatedAt: 1_000,
  count: 1,
  inhibits: [],
  events: [1],
  level: 0,
  incident: 1,
  ...(owner ? { owner } : {}),
});

describe('alert ownership', () => {
  it('a take needs no comment and keeps one given (trimmed); a take from another owner is a takeover', () => {
    expect(take(alert(), { login: 'erin' }, 5_000)).toEqual({ login: 'erin', since: 5_000 });
    expect(take(alert(), { login: 'erin', person: 'wang' }, 5_000, '  on my way ')).toEqual({
      login: 'erin',
      person: 'wang',
      since: 5_000,
      comment: 'on my way',
    });
    expect(take(alert({ login: 'eddy', since: 2_000 }), { login: 'erin' }, 5_000).login).toBe('erin');
    expect(() => take(alert({ login: 'erin', since: 2_000 }), { login: 'erin' }, 5_000)).toThrow('you hold alert #7 already');
  });

  it('a release is the owner’s alone and needs a comment; it says how long the alert was held', () => {
    const held = alert({ login: 'erin', person: 'wang', since: 2_000 });
    expect(release(held, 'erin', 5_000, 'cleaned up')).toEqual({ heldMs: 3_000 });
    expect(() => release(held, 'erin', 5_000, '   ')).toThrow(/comment is required/);
    expect(() => release(held, 'eddy', 5_000, 'not mine')).toThrow('alert #7 is held by wang, not by you');
    expect(() => release(alert(), 'erin', 5_000, 'nothing')).toThrow('nobody holds alert #7');
  });

  it('one person through the console and the CLI is one owner', () => {
    expect(loginOf('erin (via console)')).toBe('erin');
    expect(loginOf('erin')).toBe('erin');
  });
});
