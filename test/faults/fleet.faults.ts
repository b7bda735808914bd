/**
 * Fleet chaos during a show on air, watched by a plain MQTT client: controller kill -9 and restart,
 * agent kill -9 and restart, broker restarts (Mosquitto, SIGTERM and SIGKILL), a device flapping every
 * 150–400 ms for 20 s, two members of one slot failing at once, a manual failover racing an automatic
 * one. Counted: failovers per real failure (exactly one), failovers without one (zero), events lost or
 * duplicated (zero, by event number), and the live member the same in the controller, the retained
 * slot topic and the store after every cycle. The counts come from the controller's event log
 * (fleet-ledger.ts). Writes .faults/fleet.json.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../protocols/events.ts';
import { ledger } from './fleet-ledger.ts';
import { recordResults } from './results.ts';
import { chaosAudit, consistent, delivery, keepLogsOnFailure, lastSeq, slotsNow } from './fleet-audit.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';
import { hasMosquitto, mosquittoProcess, waitForPort } from '../support/processes.ts';
import { CAMS, FleetStudio } from './fleet-studio.ts';

const CYCLES = Number(process.env.CHAOS_CYCLES ?? 30);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: Array<Record<string, unknown>> = [];
const audit = chaosAudit(results);
const dirs: string[] = [];

recordResults('fleet', () => ({ cycles: CYCLES, phases: results }));
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('fleet chaos on air (embedded broker)', () => {
  it('survives controller kill -9, agent kill -9, flapping, double failures and racing requests', async () => {
    const dir = tempDir();
    dirs.push(dir);
    keepLogsOnFailure(dir);
    const studio = await FleetStudio.start(dir);
    try {
      // 1. The controller (and its embedded broker) killed and restarted: no failure of the gear, nothing fails over.
      let from = lastSeq(await studio.log());
      let start = await slotsNow(studio);
      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        await studio.controller.restart();
        await waitForPort(studio.controller.port, 10_000);
        await studio.watcher.waitFor(
          () => studio.watcher.connectedSpans.at(-1)?.to === undefined && studio.watcher.slots.get(CAMS)!.ts > Date.now() - 2_000,
          20_000,
          `controller cycle ${cycle}: back`,
        );
        await studio.allOk(20_000);
        await consistent(studio, `controller cycle ${cycle}`);
      }
      await sleep(5_500); // past the last grace: a held death would stand now
      let log = await studio.log();
      expect(audit(studio, log, from, start, 'controller kill -9 and restart', CYCLES, 0).slotDowns).toBe(0);

      // 2. The agent of a live member killed and restarted: each kill is a real failure of every live member on it.
      from = lastSeq(log);
      start = await slotsNow(studio);
      let real = 0;
      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        const status = await studio.ask('status', {});
        const victim = status.slots.find((s) => s.slot === CAMS)!.active!.agent;
        const hit = status.slots.filter((s) => s.active?.agent === victim).map((s) => s.slot);
        real += hit.length;
        await studio.agents.get(victim)!.kill();
        await studio.watcher.waitFor(
          () => hit.every((id) => studio.watcher.slots.get(id)?.active?.agent !== victim && studio.watcher.slots.get(id)?.state === 'ok'),
          10_000,
          `agent cycle ${cycle}: failed over from ${victim}`,
        );
        studio.agents.get(victim)!.start();
        await studio.allOk(20_000);
        await consistent(studio, `agent cycle ${cycle}`);
      }
      log = await studio.log();
      audit(studio, log, from, start, 'agent kill -9 and restart', CYCLES, real);

      // 3. The live camera flaps every 150-400 ms for 20 s: one failover, no switching back and forth.
      from = lastSeq(log);
      start = await slotsNow(studio);
      const live = (await studio.ask('status', {})).slots.find((s) => s.slot === CAMS)!.active!;
      const until = Date.now() + 20_000;
      for (let dead = true; Date.now() < until; dead = !dead) {
        await studio.fault(live.agent, live.device, dead ? 'dead' : 'none');
        await sleep(150 + Math.random() * 250);
      }
      await studio.fault(live.agent, live.device, 'none');
      await studio.allOk(20_000);
      await consistent(studio, 'flapping');
      log = await studio.log();
      expect(
        audit(studio, log, from, start, 'live camera flapping 150-400 ms for 20 s', 1, 1).failovers,
        'one failover, no switching back and forth',
      ).toBe(1);

      // 4. The live camera and the next backup fail at once: one failover, to the one left.
      from = lastSeq(log);
      start = await slotsNow(studio);
      const before = (await studio.ask('status', {})).slots.find((s) => s.slot === CAMS)!;
      const order = [before.primary, ...before.backups].filter(
        (m) => m.agent !== before.active!.agent || m.device !== before.active!.device,
      );
      await Promise.all([
        studio.fault(before.active!.agent, before.active!.device, 'dead'),
        studio.fault(order[0]!.agent, order[0]!.device, 'dead'),
      ]);
      await studio.watcher.waitFor(
        () => studio.watcher.slots.get(CAMS)?.active?.device === order[1]!.device && studio.watcher.slots.get(CAMS)?.state === 'ok',
        10_000,
        'the last healthy camera live',
      );
      await Promise.all([
        studio.fault(before.active!.agent, before.active!.device, 'none'),
        studio.fault(order[0]!.agent, order[0]!.device, 'none'),
      ]);
      await studio.allOk(20_000);
      log = await studio.log();
      expect(audit(studio, log, from, start, 'two members of one slot fail at once', 1, 1).failovers).toBe(1);
      const to = eventsOf(log, 'failover.succeeded').find((e) => e.seq > from && e.slot === CAMS)?.data.to;
      expect(to, 'straight to the member left').toBe(`${order[1]!.agent}/${order[1]!.device}`);

      // 5. An engineer's manual failover races the automatic one: one switch, the other refused.
      from = lastSeq(log);
      start = await slotsNow(studio);
      const now = (await studio.ask('status', {})).slots.find((s) => s.slot === CAMS)!;
      const other = [now.primary, ...now.backups].find((m) => m.agent !== now.active!.agent);
      const [manual] = await Promise.allSettled([
        studio.ask('failover', { slot: CAMS, to: `${other!.agent}/${other!.device}`, reason: 'racing' }),
        studio.fault(now.active!.agent, now.active!.device, 'dead'),
      ]);
      await studio.watcher.waitFor(
        () => studio.watcher.slots.get(CAMS)?.active?.device !== now.active!.device && studio.watcher.slots.get(CAMS)?.state === 'ok',
        10_000,
        'switched',
      );
      await sleep(1_000);
      await studio.fault(now.active!.agent, now.active!.device, 'none');
      await studio.allOk(20_000);
      await consistent(studio, 'race');
      log = await studio.log();
      const race = ledger(log, from, start);
      // The manual switch may win (then the failed camera is no longer live: no failure to fail over from), or the automatic one.
      audit(
        studio,
        log,
        from,
        start,
        `manual failover racing an automatic one (manual ${manual.status === 'fulfilled' ? 'won' : 'refused'})`,
        1,
        manual.status === 'fulfilled' ? 'either' : 1,
      );
      expect(race.failovers + race.manualSwitches, 'one switch').toBe(1);

      const all = delivery(studio, log);
      expect(all).toEqual({ lost: 0, duplicated: 0 });
    } finally {
      await studio.stop();
    }
  }, 1_800_000);
});

describe('fleet chaos on air (Mosquitto)', () => {
  it.runIf(hasMosquitto())(
    'a broker restart or kill is no failure of the gear',
    async () => {
      const dir = tempDir();
      dirs.push(dir);
      keepLogsOnFailure(dir);
      const broker = await mosquittoProcess(path.join(dir, 'mosquitto'));
      broker.start();
      await waitForPort(broker.port, 5_000);
      const studio = await FleetStudio.start(dir, { url: broker.url });
      try {
        const from = lastSeq(await studio.log());
        const start = await slotsNow(studio);
        const rounds = Math.max(2, Math.round(CYCLES / 3)); // each round takes a full grace: 10 for 30 kill cycles
        for (let cycle = 0; cycle < rounds; cycle += 1) {
          const how = cycle % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
          await broker.signal(how);
          await sleep(how === 'SIGKILL' ? 4_000 : 1_000); // killed: silent past the heartbeat deadline
          broker.start();
          await waitForPort(broker.port, 5_000);
          await studio.allOk(30_000);
          await sleep(5_500); // past the grace
          await consistent(studio, `broker ${how} ${cycle}`);
        }
        const log = await studio.log();
        expect(audit(studio, log, from, start, 'Mosquitto SIGTERM and SIGKILL with restart', rounds, 0).slotDowns).toBe(0);
        expect(delivery(studio, log)).toEqual({ lost: 0, duplicated: 0 });
      } finally {
        await studio.stop();
        await broker.stop();
      }
    },
    900_000,
  );
});
