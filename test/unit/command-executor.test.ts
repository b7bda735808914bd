import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { CommandExecutor, type CommandTarget } from '../../agent/command-executor.ts';
import type { Command, CommandResult } from '../../protocols/schemas.ts';

function setup(execute: CommandTarget['execute'] = async () => ({ data: { done: true } })) {
  const signals: AbortSignal[] = [];
  const clock = new ManualClock(1_000);
  const results: CommandResult[] = [];
  let runs = 0;
  const executor = new CommandExecutor({
    agentId: 'agent-a',
    clock,
    log: silentLogger(),
    memory: 3,
    target: (id) =>
      id === 'cam-1'
        ? { actions: ['activate', 'standby'], execute: (a, p, signal) => (runs++, signals.push(signal), execute(a, p, signal)) }
        : undefined,
    publish: (r) => results.push(r),
  });
  const command = (over: Partial<Command> = {}): Command => ({
    id: 'c1',
    device: 'cam-1',
    action: 'activate',
    params: {},
    ttlMs: 2_000,
    issuedBy: 'test',
    ...over,
  });
  // The action starts on setImmediate and settles in promise jobs: a timer of 0 could fire first on a loaded machine.
  const flush = () => new Promise((r) => setTimeout(r, 10));
  return { clock, results, executor, command, flush, runs: () => runs, signals };
}

describe('command executor', () => {
  it('refuses a command from an older leader term than the newest it saw, and never runs it', async () => {
    const s = setup();
    s.executor.handle(s.command({ id: 'old-ok', term: 2 })); // a single term so far: accepted
    s.executor.noteLeaderTerm(3); // controller/state: a new leader
    s.executor.handle(s.command({ id: 'stale', term: 2 }));
    s.executor.handle(s.command({ id: 'cancel-stale', action: 'cancel', params: { command: 'old-ok' }, term: 2 }));
    s.executor.handle(s.command({ id: 'new', term: 3 }));
    s.executor.handle(s.command({ id: 'no-term' })); // a single controller, or a person's tool: no term, no fence
    await s.flush();
    const final = new Map(s.results.filter((r) => r.status !== 'accepted').map((r) => [r.id, r]));
    expect(final.get('stale')).toMatchObject({
      status: 'rejected',
      error: "from a controller that no longer leads (term 2; the leader's term is 3)",
    });
    expect(final.get('cancel-stale')?.status).toBe('rejected');
    expect(final.get('new')?.status).toBe('succeeded');
    expect(final.get('no-term')?.status).toBe('succeeded');
    expect(s.runs()).toBe(3);
    // A newer term seen on a command counts too; an older announcement never lowers it.
    s.executor.handle(s.command({ id: 'newer', term: 5 }));
    s.executor.noteLeaderTerm(4);
    s.executor.handle(s.command({ id: 'four', term: 4 }));
    await s.flush();
    expect(s.results.find((r) => r.id === 'four')?.status).toBe('rejected');
  });

  it('answers accepted, then succeeded with the data', async () => {
    const s = setup();
    s.executor.handle(s.command());
    await s.flush();
    expect(s.results.map((r) => r.status)).toEqual(['accepted', 'succeeded']);
    expect(s.results[1]!.data).toEqual({ done: true });
  });

  it('abandons an action that outlives its time to live, measured from receipt, whatever the clocks say', async () => {
    const s = setup(() => new Promise(() => {})); // a device that never answers
    s.clock.set(9_999_999_999); // this agent's clock is far from the controller's: it does not matter
    s.executor.handle(s.command({ ttlMs: 40 }));
    await new Promise((r) => setTimeout(r, 60));
    expect(s.results.map((r) => r.status)).toEqual(['accepted', 'expired']);
    expect(s.results[1]!.error).toBe('not done within its time to live of 40 ms');
    expect(s.signals[0]!.aborted).toBe(true); // the driver is told to stop
  });

  it('a cancel abandons a running command', async () => {
    const s = setup(() => new Promise(() => {}));
    s.executor.handle(s.command());
    await s.flush(); // running
    s.executor.handle(s.command({ id: 'k1', action: 'cancel', params: { command: 'c1' }, issuedBy: 'controller' }));
    await s.flush();
    expect(s.results.map((r) => `${r.id}:${r.status}`)).toEqual(['c1:accepted', 'k1:succeeded', 'c1:cancelled']);
    expect(s.results[1]!.data).toEqual({ command: 'c1', state: 'running' });
    expect(s.signals[0]!.aborted).toBe(true);
  });

  it('a late command and its cancel delivered in one burst: the action never starts', async () => {
    const s = setup();
    s.executor.handle(s.command());
    s.executor.handle(s.command({ id: 'k1', action: 'cancel', params: { command: 'c1' }, issuedBy: 'controller' }));
    await s.flush();
    expect(s.runs()).toBe(0);
    expect(s.results.map((r) => `${r.id}:${r.status}`)).toEqual(['c1:accepted', 'k1:succeeded', 'c1:cancelled']);
  });

  it('a command whose cancel came first (a stalled link delivers both late) never runs', async () => {
    const s = setup();
    s.executor.handle(s.command({ id: 'k1', action: 'cancel', params: { command: 'c1' }, issuedBy: 'controller' }));
    s.executor.handle(s.command());
    await s.flush();
    expect(s.runs()).toBe(0);
    expect(s.results.map((r) => `${r.id}:${r.status}`)).toEqual(['k1:succeeded', 'c1:cancelled']);
    expect(s.results[1]!.error).toBe('cancelled by controller before it arrived');
  });

  it('never runs a command id twice: the earlier result is repeated', async () => {
    const s = setup();
    s.executor.handle(s.command());
    await s.flush();
    s.executor.handle(s.command());
    s.executor.handle(s.command({ action: 'standby' })); // same id, other content: still the earlier result
    expect(s.runs()).toBe(1);
    expect(s.results.map((r) => r.status)).toEqual(['accepted', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('repeats "accepted" for a duplicate that arrives while the first is still running', async () => {
    let finish!: () => void;
    const s = setup(() => new Promise((resolve) => (finish = () => resolve({}))));
    s.executor.handle(s.command());
    s.executor.handle(s.command());
    expect(s.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    await s.flush(); // started
    finish();
    await s.flush();
    expect(s.runs()).toBe(1);
  });

  it('rejects unknown devices and actions with a clear reason', () => {
    const s = setup();
    s.executor.handle(s.command({ id: 'x1', device: 'cam-9' }));
    s.executor.handle(s.command({ id: 'x2', action: 'explode' }));
    expect(s.results[0]).toMatchObject({ status: 'rejected', error: 'no device "cam-9" on agent agent-a' });
    expect(s.results[1]).toMatchObject({ status: 'rejected', error: 'device "cam-1" has no action "explode"; it has: activate, standby' });
  });

  it('reports a throwing driver as failed', async () => {
    const s = setup(async () => {
      throw new Error('camera in standby');
    });
    s.executor.handle(s.command());
    await s.flush();
    expect(s.results.at(-1)).toMatchObject({ status: 'failed', error: 'camera in standby' });
  });

  it('forgets the oldest ids beyond its memory, keeping the newest', async () => {
    const s = setup();
    for (const id of ['a', 'b', 'c', 'd']) s.executor.handle(s.command({ id }));
    await s.flush();
    s.executor.handle(s.command({ id: 'd' }));
    await s.flush();
    expect(s.runs()).toBe(4);
    s.executor.handle(s.command({ id: 'a' }));
    await s.flush();
    expect(s.runs()).toBe(5);
  });
});
