/**
 * What a member's slots allow of a content fault (controller/failover/content-policy.ts) and a show's
 * quiet windows as stored (controller/plan/quiet-windows.ts): pure, literal slots and shows.
 */
import { describe, expect, it } from 'vitest';
import { toleranceOf } from '../../controller/failover/content-policy.ts';
import { allowedBy, type ContentTolerance } from '../../protocols/content-policy.ts';
import { checkedQuiet, withQuietWindow } from '../../controller/plan/quiet-windows.ts';
import { judgeContent } from '../../protocols/failover-rule.ts';
import type { Show } from '../../protocols/plan-schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';

const cam = { agent: 'a', device: 'cam-1' };
const slot = (id: string, over: Partial<SlotDefinition> = {}): SlotDefinition => ({
  id,
  primary: cam,
  backups: [],
  params: {},
  tallies: [],
  ...over,
});
const show = (over: Partial<Show> = {}): Show => ({
  id: 'news',
  studio: 'studio-a',
  title: 'News',
  startsAt: 1_000,
  endsAt: 100_000,
  slots: ['s/a', 's/b'],
  preShowMinutes: 0,
  state: 'on_air',
  startedAt: 1_000,
  endedAt: null,
  ...over,
});

/** A member whose picture check failed with this fault while its gear's probe answers. */
const pictureFailed = (fault: 'black' | 'frozen') => ({
  status: 'failed' as const,
  consecutiveFailures: 3,
  checks: [
    { name: 'probe', status: 'ok' as const, latencyMs: 1 },
    { name: 'picture', status: 'failed' as const, latencyMs: 0 },
  ],
  metrics: { contentFaults: fault },
});

describe("a member's content tolerance", () => {
  it('none for the default: nothing to judge, the tracking step sees the report as it is', () => {
    expect(toleranceOf([slot('s/a')], [show()])).toBeUndefined();
    expect(toleranceOf([], [show({ quiet: [{ from: 0, to: 10 }] })])).toBeUndefined();
  });

  it('a member of several slots is tolerated only where all of them tolerate it', () => {
    const dark = slot('s/a', { mayBeDark: true, maySilence: true, onContentFault: 'alarm' });
    expect(toleranceOf([dark, slot('s/b', { mayBeDark: true })], [])).toEqual({
      onContentFault: 'failover',
      allowed: ['black'],
      windows: [],
    });
  });

  it('allows a frozen picture where the slot may be still, and only there', () => {
    const slides = slot('s/a', { mayBeStill: true });
    expect(toleranceOf([slides], [])).toEqual({ onContentFault: 'failover', allowed: ['frozen'], windows: [] });
    expect(toleranceOf([slides, slot('s/b', { mayBeDark: true, mayBeStill: true })], [])?.allowed).toEqual(['frozen']);
    expect(toleranceOf([slides, slot('s/b', { mayBeDark: true })], [])).toBeUndefined();
  });

  it("takes a show's windows for its slots (all, or those named), not those of shows over", () => {
    const quiet = [
      { from: 10, to: 20 },
      { from: 30, to: 40, faults: ['silent' as const], slots: ['s/b'] },
    ];
    expect(toleranceOf([slot('s/a')], [show({ quiet }), show({ state: 'ended', quiet: [{ from: 50, to: 60 }] })])?.windows).toEqual([
      { from: 10, to: 20 },
    ]);
    expect(toleranceOf([slot('s/b')], [show({ quiet })])?.windows).toEqual([
      { from: 10, to: 20 },
      { from: 30, to: 40, faults: ['silent'] },
    ]);
  });

  it('judges only a failure that is content alone', () => {
    const black = pictureFailed('black');
    const dark: ContentTolerance = { onContentFault: 'failover', allowed: ['black'], windows: [] };
    expect(judgeContent(black, dark, 0)).toMatchObject({
      tolerated: true,
      why: 'allowed',
      reading: { status: 'ok', consecutiveFailures: 0 },
    });
    const withGear = { ...black, checks: [{ ...black.checks[0]!, status: 'failed' as const }, black.checks[1]!] };
    expect(judgeContent(withGear, dark, 0)).toMatchObject({ tolerated: false, reading: withGear });
    // A content check down that the metric does not explain: only `alarm` or a window for every fault tolerates it.
    const unexplained = { ...black, metrics: {} };
    expect(judgeContent(unexplained, dark, 0).tolerated).toBe(false);
    expect(judgeContent(unexplained, { ...dark, windows: [{ from: 0, to: 5 }] }, 0).tolerated).toBe(true);
  });

  it('a still picture allowed is as healthy as its gear; black beside it is not allowed by it', () => {
    const still: ContentTolerance = { onContentFault: 'failover', allowed: allowedBy({ mayBeStill: true }), windows: [] };
    expect(judgeContent(pictureFailed('frozen'), still, 0)).toMatchObject({ tolerated: true, why: 'allowed', reading: { status: 'ok' } });
    expect(judgeContent(pictureFailed('black'), still, 0).tolerated).toBe(false);
  });
});

describe("a show's quiet windows", () => {
  it('are refused when they end before they start or name a slot the show does not have', () => {
    expect(() => checkedQuiet([{ from: 20, to: 20 }], show())).toThrow('must end after it starts');
    expect(() => checkedQuiet([{ from: 1, to: 2, slots: ['s/z'] }], show())).toThrow('s/z is no slot of show news');
  });

  it('are added to a show not over, and not once over or in the past', () => {
    expect(withQuietWindow(show(), { from: 10, to: 200 }, 100).quiet).toEqual([{ from: 10, to: 200 }]);
    expect(() => withQuietWindow(show({ state: 'ended' }), { from: 10, to: 200 }, 100)).toThrow('show news is ended');
    expect(() => withQuietWindow(show(), { from: 10, to: 50 }, 100)).toThrow('would end in the past');
  });
});
