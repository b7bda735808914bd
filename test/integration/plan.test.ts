/**
 * The plan running by itself, on an injected clock (no agents: the controller's own decisions are
 * under test): shows on and off air at their times, pre-show checks at T-minus, an intrusive
 * maintenance test skipped on gear that is on air, and a job cut short by a restart queued again.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import { cleanupAfterEach, eventually, registerGear, startController, waitUntil } from './helpers.ts';
import { eventsOf as typedEvents, type EventTypeName } from '../../protocols/events.ts';

const MIN = 60_000;
const cleanup = cleanupAfterEach();
let dir: string;
let clock: ManualClock;
let controller: Controller;
const config = { plan: { tickMs: 20, preShowMinutes: 30 }, detection: { restartGraceMs: 600_000 } };

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'engineer@test' };
  return withController(options, (c) => request(c, op, params, options));
};
const eventsOf = <T extends EventTypeName>(type: T) => typedEvents(controller.events({}), type);
/** A few plan ticks of real time, for the controller to act on the moved clock. */
const ticks = () => new Promise((r) => setTimeout(r, 120));

beforeEach(async () => {
  dir = cleanup.tempDir();
  clock = new ManualClock(Date.UTC(2026, 10, 26, 17, 0));
  controller = await startController({ dataDir: dir, clock, config });
  cleanup.defer(() => controller.stop()); // the one running at the end: tests restart it
  await registerGear(
    controller.brokerUrl,
    [
      {
        agent: 'agent-a',
        devices: [
          { id: 'cam-1', kind: 'camera' },
          { id: 'cam-2', kind: 'camera' },
        ],
      },
    ],
    [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: { preset: 1 } }],
  );
});

describe('shows on the clock', () => {
  it('runs pre-show checks at T-30 min, goes on air at the start and off at the end, by itself', async () => {
    const start = clock.now() + 60 * MIN;
    await ask('show.add', {
      id: 'news',
      studio: 'studio-a',
      title: 'Evening news',
      startsAt: start,
      endsAt: start + 30 * MIN,
      slots: ['studio-a/cam-wide'],
    });

    clock.set(start - 31 * MIN);
    await ticks();
    expect(eventsOf('preshow.started')).toEqual([]);
    clock.set(start - 29 * MIN);
    await waitUntil(() => eventsOf('preshow.started').length === 1, 2_000, 'pre-show checks started');
    expect(eventsOf('preshow.started')[0]).toMatchObject({
      ts: start - 29 * MIN,
      by: 'scheduler',
      data: { show: 'news', devices: ['agent-a/cam-1', 'agent-a/cam-2'] },
    });
    const preshowJobs = (await ask('test.history', { kind: 'preshow' })).jobs;
    expect(preshowJobs.map((j) => `${j.device} ${j.show}`).sort()).toEqual(['cam-1 news', 'cam-2 news']);
    expect(controller.status().onAir).toBe(false);

    clock.set(start);
    await waitUntil(() => controller.status().onAir, 2_000, 'on air at the start');
    expect(controller.status().showsOnAir).toEqual(['news']);
    expect(eventsOf('show.started')[0]).toMatchObject({
      ts: start,
      by: 'scheduler',
      data: { show: 'news', slots: [{ slot: 'studio-a/cam-wide', members: ['agent-a/cam-1', 'agent-a/cam-2'] }] },
    });
    expect((await ask('show.list', {})).shows[0]).toMatchObject({ state: 'on_air', startedAt: start });

    clock.set(start + 30 * MIN);
    await waitUntil(() => !controller.status().onAir, 2_000, 'off air at the end');
    expect(eventsOf('show.ended')[0]).toMatchObject({ ts: start + 30 * MIN, by: 'scheduler', data: { show: 'news', onAirMs: 30 * MIN } });
    expect(eventsOf('onair.changed').map((e) => `${String(e.data.onAir)} by ${e.by}`)).toEqual(['true by scheduler', 'false by scheduler']);
  });

  it('a controller restarted mid-show comes back on air; a show that ended while it was down ends at its scheduled time', async () => {
    const start = clock.now();
    await ask('show.add', {
      id: 'marathon',
      studio: 'studio-a',
      startsAt: start,
      endsAt: start + 60 * MIN,
      slots: ['studio-a/cam-wide'],
      preShowMinutes: 0,
    });
    await waitUntil(() => controller.status().onAir, 2_000, 'on air');
    await controller.stop();
    controller = await startController({ dataDir: dir, clock, config });
    expect(controller.status().onAir).toBe(true); // the show is still on: failover stays armed
    await controller.stop();
    clock.set(start + 90 * MIN); // down through the show's end
    controller = await startController({ dataDir: dir, clock, config });
    await waitUntil(() => eventsOf('show.ended').length === 1, 2_000, 'show ended after the restart');
    expect(eventsOf('show.ended')[0]).toMatchObject({ ts: start + 60 * MIN, data: { onAirMs: 60 * MIN } });
    expect(controller.status().onAir).toBe(false);
    expect(eventsOf('show.started')).toHaveLength(1);
  });

  it('an engineer starts a show early and stops it by hand; a manual off-air does not disarm a show', async () => {
    const start = clock.now() + 10 * MIN;
    await ask('show.add', {
      id: 'talk',
      studio: 'studio-a',
      startsAt: start,
      endsAt: start + 10 * MIN,
      slots: ['studio-a/cam-wide'],
      preShowMinutes: 0,
    });
    await expect(
      ask('show.add', { id: 'bad', studio: 'studio-a', startsAt: start, endsAt: start + 1, slots: ['studio-z/none'] }),
    ).rejects.toThrow('no slot studio-z/none; define slots with onair slot add');
    await expect(ask('slot.remove', { slot: 'studio-a/cam-wide', reason: 'x' })).rejects.toThrow(
      'slot studio-a/cam-wide cannot be removed: show talk (scheduled) needs it',
    );
    await ask('show.start', { id: 'talk', reason: 'guest arrived early' });
    expect(controller.status().onAir).toBe(true);
    await ask('on-air', { onAir: false, reason: 'test' });
    expect(controller.status().onAir).toBe(true); // the show keeps failover armed
    await ask('show.stop', { id: 'talk', reason: 'wrapped' });
    expect(controller.status().onAir).toBe(false);
    expect(eventsOf('show.ended')[0]).toMatchObject({ by: 'engineer@test', reason: 'wrapped' });
  });
});

describe('mistakes in the plan', () => {
  it('are refused with a clear reason', async () => {
    const now = clock.now();
    await expect(ask('schedule.add', { id: 'typo', cron: '0 3 * * mon-frix', target: { device: 'cam-1' } })).rejects.toThrow(
      /^cron "0 3 \* \* mon-frix" is not valid: /,
    );
    await expect(
      ask('schedule.add', { id: 'tz', cron: '0 3 * * *', timezone: 'Europe/Atlantis', target: { device: 'cam-1' } }),
    ).rejects.toThrow(/^cron "0 3 \* \* \*" \(Europe\/Atlantis\) is not valid: /);
    await expect(ask('schedule.add', { id: 'none', cron: '0 3 * * *', target: { kind: 'light' } })).rejects.toThrow(
      'no registered device matches {"kind":"light"}',
    );
    await expect(ask('schedule.add', { id: 'ghost', cron: '0 3 * * *', target: { device: 'cam-9' } })).rejects.toThrow(
      '"cam-9" is not a registered device; register it first with onair device add',
    );
    await expect(
      ask('show.add', { id: 'past', studio: 'studio-a', startsAt: now - 60 * MIN, endsAt: now - 30 * MIN, slots: ['studio-a/cam-wide'] }),
    ).rejects.toThrow(/^show past would end in the past/);
    await expect(ask('show.start', { id: 'nope' })).rejects.toThrow('no show "nope"');
    await expect(ask('preshow', { show: 'nope' })).rejects.toThrow('no show "nope"');
    expect((await ask('schedule.list', {})).schedules).toEqual([]);
  });
});

describe('maintenance on the clock', () => {
  it('skips an intrusive maintenance test on a device that is on air, and runs a non-intrusive one', async () => {
    await ask('schedule.add', { id: 'cam-1-moves', cron: '* * * * *', target: { device: 'cam-1' }, intrusive: true, windowMinutes: 5 });
    await ask('schedule.add', { id: 'cam-2-looks', cron: '* * * * *', target: { device: 'agent-a/cam-2' }, windowMinutes: 5 });
    await ask('show.add', {
      id: 'live',
      studio: 'studio-a',
      startsAt: clock.now(),
      endsAt: clock.now() + 60 * MIN,
      slots: ['studio-a/cam-wide'],
      preShowMinutes: 0,
    });
    await waitUntil(() => controller.status().onAir, 2_000, 'show on air');

    clock.advance(MIN);
    await waitUntil(() => eventsOf('job.finished').some((e) => e.device === 'cam-1'), 2_000, 'cam-1 job decided');
    const [cam1] = (await ask('test.history', { device: 'cam-1', kind: 'maintenance' })).jobs;
    expect(cam1).toMatchObject({
      state: 'skipped',
      schedule: 'cam-1-moves',
      reason: 'intrusive test not run: agent-a/cam-1 serves slot studio-a/cam-wide of show live, which is on air',
    });
    const [cam2] = (await ask('test.history', { device: 'cam-2', kind: 'maintenance' })).jobs;
    expect(cam2!.state).not.toBe('skipped'); // a non-intrusive test may run on gear on air (it is running against an absent agent)
  });

  it('a schedule names its owner (a stored person): its jobs carry the owner and are due by the end of their window', async () => {
    await expect(ask('schedule.add', { id: 'owned', cron: '* * * * *', target: { device: 'cam-1' }, owner: 'ghost' })).rejects.toThrow(
      'no person "ghost"',
    );
    await controller.identities.addUser('ada', 'admin', 'ada-admin-password-1'); // people are an admin's
    const asAdmin: RequestOptions = {
      broker: controller.brokerUrl,
      timeoutMs: 5_000,
      issuedBy: 'ada',
      user: 'ada',
      password: 'ada-admin-password-1',
    };
    await withController(asAdmin, (c) => request(c, 'person.add', { id: 'wang', name: 'Wang', contacts: [] }, asAdmin));
    await ask('schedule.add', { id: 'owned', cron: '* * * * *', target: { device: 'cam-1' }, windowMinutes: 5, owner: 'wang' });
    expect((await ask('schedule.list', {})).schedules).toEqual([expect.objectContaining({ id: 'owned', owner: 'wang' })]);
    const opens = Math.ceil((clock.now() + 1) / MIN) * MIN;
    clock.advance(MIN);
    const jobs = async () => (await ask('test.history', { device: 'cam-1', kind: 'maintenance' })).jobs;
    await eventually(async () => (await jobs()).length > 0, 2_000, 'the window opened');
    const [job] = await jobs();
    expect(job).toMatchObject({ schedule: 'owned', owner: 'wang', dueAt: opens + 5 * MIN });
    const due = (await ask('maintenance.due', {})).items;
    // Never tested, both cameras are due by their profile's interval; only cam-1's schedule names an owner.
    expect(due.map((i) => `${i.device}: ${i.owner ?? 'nobody'}`).sort()).toEqual(['cam-1: wang', 'cam-2: nobody']);
  });

  it('keeps intrusive maintenance off gear whose show is about to start (its pre-show window has begun)', async () => {
    const start = clock.now() + 20 * MIN;
    await ask('show.add', { id: 'soon', studio: 'studio-a', startsAt: start, endsAt: start + 30 * MIN, slots: ['studio-a/cam-wide'] }); // pre-show at T-30: now
    await ask('schedule.add', {
      id: 'nightly-moves',
      cron: '* * * * *',
      target: { profile: 'simulated-camera' },
      intrusive: true,
      windowMinutes: 1,
    });
    expect(controller.status().onAir).toBe(false);
    clock.advance(MIN);
    await waitUntil(
      () => eventsOf('job.finished').filter((e) => e.data.kind === 'maintenance').length === 2,
      2_000,
      'both maintenance jobs decided',
    );
    const jobs = (await ask('test.history', { kind: 'maintenance' })).jobs;
    expect(jobs.map((j) => `${j.device} ${j.state}: ${j.reason}`).sort()).toEqual([
      'cam-1 skipped: intrusive test not run: agent-a/cam-1 serves slot studio-a/cam-wide of show soon, which is about to start',
      'cam-2 skipped: intrusive test not run: agent-a/cam-2 serves slot studio-a/cam-wide of show soon, which is about to start',
    ]);
  });

  it('catches up after a restart: the window open now runs, one that closed while it was down is on record as missed, none twice', async () => {
    await ask('schedule.add', { id: 'nightly', cron: '0 2 * * *', timezone: 'UTC', target: { device: 'cam-1' }, windowMinutes: 60 });
    await ticks();
    await controller.stop(); // 26 Nov 17:00; down through the night of the 27th, back inside the window of the 28th
    clock.set(Date.UTC(2026, 10, 28, 2, 30));
    controller = await startController({ dataDir: dir, clock, config });
    await waitUntil(() => eventsOf('job.finished').some((e) => e.data.schedule === 'nightly'), 2_000, 'the missed window on record');
    const nightly = async () =>
      (await ask('test.history', { kind: 'maintenance' })).jobs
        .filter((j) => j.retryOf === undefined)
        .sort((a, b) => a.notBefore - b.notBefore);
    const [missed, tonight] = await nightly();
    expect(missed).toMatchObject({
      device: 'cam-1',
      notBefore: Date.UTC(2026, 10, 27, 2),
      state: 'skipped',
      reason: 'missed: the controller was not running during this maintenance window (down from 2026-11-26T17:00:00.000Z)',
    });
    expect(tonight).toMatchObject({ device: 'cam-1', notBefore: Date.UTC(2026, 10, 28, 2), startBy: Date.UTC(2026, 10, 28, 3) });
    expect(['queued', 'running']).toContain(tonight!.state);

    // Restarted again inside the same window: it is not opened a second time.
    await controller.stop();
    clock.set(Date.UTC(2026, 10, 28, 2, 40));
    controller = await startController({ dataDir: dir, clock, config });
    await ticks();
    expect((await nightly()).map((j) => j.notBefore)).toEqual([Date.UTC(2026, 10, 27, 2), Date.UTC(2026, 10, 28, 2)]);
  });

  it('a job cut short by a controller restart is marked and queued again, never lost', async () => {
    const pending = ask('test.run', { device: 'cam-1' }).catch(() => undefined); // no agent: it runs until its step times out
    const running = async () => (await ask('test.history', { state: 'running' })).jobs;
    let first = (await running())[0];
    for (let i = 0; !first && i < 50; i += 1) first = (await (async () => (await new Promise((r) => setTimeout(r, 20)), running()))())[0];
    expect(first).toMatchObject({ kind: 'manual', device: 'cam-1', state: 'running' });
    await controller.stop();
    controller = await startController({ dataDir: dir, clock, config });
    await pending;
    const jobs = (await ask('test.history', { device: 'cam-1' })).jobs;
    const old = jobs.find((j) => j.id === first!.id)!;
    expect(old).toMatchObject({ state: 'failed', reason: 'interrupted by a controller restart; queued again' });
    const again = jobs.find((j) => j.retryOf === first!.id)!;
    expect(again).toMatchObject({ kind: 'manual', device: 'cam-1', attempt: 2 });
    expect(['queued', 'running']).toContain(again.state);
  });
});
