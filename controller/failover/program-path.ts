/**
 * The program follows a failover. After a backup confirmed `activate` in a slot on air, the switcher
 * the slot feeds is told to take the backup's program source — and only while program shows the
 * failed member's source: the switcher checks that itself at the moment of the take (`program-take`
 * with `from`), so a director who is on another source is never overridden by a stale reading; it
 * then moves a preview holding the failed source, so the next take airs the backup. Never off air.
 *
 * The failover engine decides and calls `follow`; this only carries the decision to the switcher and
 * records what happened (`program.cut`), so a report can tell how long the program showed a dead
 * source. A show's stream goes the same way: started and stopped on its stream slot's live encoder.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage } from '../../lib/timeout.ts';
import { formatProgramSource, parseProgramSource } from '../../protocols/program-source.ts';
import type { ProgramMapping, SlotDefinition } from '../../protocols/registry-operations.ts';
import type { CommandResult, DeviceHealth, DeviceRef, Params, StatusData } from '../../protocols/schemas.ts';
import type { FailoverEvent, ProgramSwitch } from './failover-dependencies.ts';
import { deviceKey, refName } from '../../protocols/device-ref.ts';

export interface ProgramPathDependencies {
  clock: Clock;
  log: Logger;
  /** Sends a command (`program-take` to a switcher, `start-stream` to an encoder); resolves with its result. */
  command: (ref: DeviceRef, action: string, params: Params, issuedBy: string) => Promise<CommandResult>;
  record: (event: FailoverEvent) => void;
  /** The switcher live for `switcher`: its switcher slot's live member when it is in one, else itself. */
  liveSwitcher: (switcher: DeviceRef) => DeviceRef;
  /** What a switcher shows on program changed (its health said so): tallies follow; `known`: it was not known before. */
  onProgramChanged: (switcher: DeviceRef, known: boolean) => void;
}

/** A switcher's program as its health last reported it: normalised sources, and M/E 1's. */
interface OnProgram {
  sources: Set<string>;
  main: string;
  /** The sources as one string, to tell a change at a glance. */
  key: string;
}

/**
 * The sources a switcher's health says are on program (OBS: programScene; ATEM: programInput for
 * M/E 1, programInputMe.<n> for the others), normalised so a mapping compares by meaning, not text.
 */
function onProgramOf(health: DeviceHealth): OnProgram | undefined {
  if (health.status === 'offline') return undefined;
  const m = health.metrics;
  if (typeof m.programScene === 'string')
    return { sources: new Set([`scene:${m.programScene}`]), main: `scene:${m.programScene}`, key: `scene:${m.programScene}` };
  if (typeof m.programInput !== 'number') return undefined;
  const sources = new Set([formatProgramSource({ kind: 'input', me: 1, input: m.programInput })]);
  for (const [key, value] of Object.entries(m)) {
    const me = /^programInputMe\.(\d+)$/.exec(key);
    if (me && typeof value === 'number') sources.add(formatProgramSource({ kind: 'input', me: Number(me[1]), input: value }));
  }
  return { sources, main: formatProgramSource({ kind: 'input', me: 1, input: m.programInput }), key: [...sources].join('|') };
}

const normalised = (text: string): string => {
  const source = parseProgramSource(text);
  return typeof source === 'string' ? text : formatProgramSource(source);
};

const same = (a: DeviceRef, b: DeviceRef): boolean => a.agent === b.agent && a.device === b.device;

export class ProgramPath implements ProgramSwitch {
  private readonly running = new Set<Promise<void>>();
  /** switcher → what its program shows, from its health (only switchers report a program). */
  private readonly programs = new Map<string, OnProgram>();
  /** switcher → its M/E 1 program when last known, kept when it goes offline (its backup takes that). */
  private readonly lastMain = new Map<string, string>();
  /** switcher → the last take made on it, for `onair status`. */
  private readonly lastCuts = new Map<string, { ts: number; slot: string; from: string; to: string; cut: boolean }>();
  /** Slots with a reconciling take in flight: one at a time. */
  private readonly reconciling = new Set<string>();

  constructor(private readonly d: ProgramPathDependencies) {}

  /** Every health message: O(1) unless a switcher's program changed. */
  noteHealth(agent: string, device: string, health: DeviceHealth): void {
    if (health.metrics.programScene === undefined && health.metrics.programInput === undefined && health.status !== 'offline') return;
    const key = deviceKey(agent, device);
    const now = onProgramOf(health);
    const before = this.programs.get(key);
    if (now) (this.programs.set(key, now), this.lastMain.set(key, now.main));
    else this.programs.delete(key);
    if (before?.key !== now?.key) this.d.onProgramChanged({ agent, device }, !before && !!now);
  }

  /**
   * Does the program show this member now, by its slot's mapping and its live switcher's last
   * report? undefined when the slot maps no source for it or the switcher's program is not known.
   */
  showsOnProgram(def: SlotDefinition, member: DeviceRef): boolean | undefined {
    const mapping = ProgramPath.mappingOf(def, member);
    if (!mapping) return undefined;
    return this.programs.get(refName(this.d.liveSwitcher(mapping.switcher)))?.sources.has(normalised(mapping.source));
  }

  /** Each switcher known: what its program shows now, and the last take made on it. */
  summary(): NonNullable<StatusData['program']> {
    const switchers = new Set([...this.lastMain.keys(), ...this.lastCuts.keys()]);
    return [...switchers].sort().map((s) => ({
      switcher: s,
      onProgram: this.programs.get(s)?.main ?? null,
      ...(this.lastCuts.has(s) ? { lastCut: this.lastCuts.get(s)! } : {}),
    }));
  }

  /** Where a member appears on the program, if the slot says. */
  static mappingOf(def: SlotDefinition, member: DeviceRef): ProgramMapping | undefined {
    return def.program?.find((m) => same(m.member, member));
  }

  /**
   * A failover on air succeeded: take `to`'s source if program shows `from`'s. `decidedAt` is when
   * the failover started (the failure was detected), for the time from failure to program.
   */
  follow(def: SlotDefinition, from: DeviceRef | null, to: DeviceRef, by: string, decidedAt: number): void {
    if (!from) return; // the slot was down: nothing of it can be on program to replace
    const was = ProgramPath.mappingOf(def, from);
    const next = ProgramPath.mappingOf(def, to);
    if (was && next) return this.run(this.take(def, was, next, by, decidedAt));
    // A program switcher replaced by its backup: the backup takes what the failed one had on program.
    const program = this.lastMain.get(refName(from));
    if (program && !was && !next)
      this.run(
        this.take(
          def,
          { member: from, switcher: to, source: program },
          { member: to, switcher: to, source: program },
          by,
          decidedAt,
          false,
        ),
      );
  }

  /**
   * The program must not show a member that failed and was replaced — whatever happened to the take
   * that should have fixed it (the controller restarted with it pending, the switcher did not answer).
   * Looked at again when the controller sees the fleet after a (re)start and when a switcher's program
   * becomes known: if it shows a failed member's source, take the live member's; the take is
   * conditional on the switcher itself, so a take that did land meanwhile is never made twice.
   */
  reconcile(def: SlotDefinition, live: DeviceRef, failed: (ref: DeviceRef) => boolean): void {
    const next = ProgramPath.mappingOf(def, live);
    const shown = next && this.programs.get(refName(this.d.liveSwitcher(next.switcher)));
    if (!next || !shown) return;
    const stale = def.program?.find((m) => !same(m.member, live) && failed(m.member) && shown.sources.has(normalised(m.source)));
    if (!stale || this.reconciling.has(def.id)) return;
    this.reconciling.add(def.id);
    this.d.log.warn(
      { slot: def.id, program: stale.source, live: refName(live) },
      'the program still shows a failed member: taking the live one',
    );
    this.run(this.take(def, stale, next, 'controller', this.d.clock.now()).finally(() => this.reconciling.delete(def.id)));
  }

  private run(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** A show starting or ending its stream: the stream slot's live encoder starts or stops its output. */
  stream(slot: string, active: DeviceRef | null, on: boolean, by: string): void {
    this.run(this.controlStream(slot, active, on, by));
  }

  private async controlStream(slot: string, active: DeviceRef | null, on: boolean, by: string): Promise<void> {
    const { clock, record } = this.d;
    const base = { type: 'stream.changed' as const, slot, by };
    if (!active) return record({ ...base, ts: clock.now(), reason: `stream slot ${slot} has no live encoder`, data: { on, ok: false } });
    const result = await this.d
      .command(active, on ? 'start-stream' : 'stop-stream', {}, by)
      .catch((err: Error): CommandResult => ({ id: '-', device: active.device, status: 'failed', error: err.message, ts: clock.now() }));
    const ok = result.status === 'succeeded';
    record({
      ...base,
      agent: active.agent,
      device: active.device,
      ts: clock.now(),
      ...(ok ? {} : { reason: result.error ?? result.status }),
      data: { on, ok },
    });
    if (!ok && on)
      record({
        type: 'alarm',
        slot,
        by,
        ts: clock.now(),
        reason: `the stream of ${slot} did not start on ${refName(active)}: ${result.error ?? result.status}`,
        data: { severity: 'critical' },
      });
  }

  /** Resolves when every take in flight has ended (for an orderly stop). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** `onlyIfShowing`: take only while program shows `was` (a member's failover); false: take in any case (a new switcher). */
  private async take(
    def: SlotDefinition,
    was: ProgramMapping,
    next: ProgramMapping,
    by: string,
    decidedAt: number,
    onlyIfShowing = true,
  ): Promise<void> {
    const { clock, log, record } = this.d;
    const switcher = this.d.liveSwitcher(next.switcher);
    const sentAt = clock.now();
    let result: CommandResult;
    try {
      result = await this.d.command(switcher, 'program-take', { to: next.source, ...(onlyIfShowing ? { from: was.source } : {}) }, by);
    } catch (err) {
      result = { id: '-', device: switcher.device, status: 'failed', error: errorMessage(err), ts: clock.now() };
    }
    const at = clock.now();
    const base = { slot: def.id, agent: switcher.agent, device: switcher.device, by, ts: at };
    if (result.status !== 'succeeded') {
      const reason = `program switcher ${refName(switcher)} did not take ${next.source} for ${refName(next.member)}: ${result.error ?? result.status}`;
      record({ ...base, type: 'alarm', reason, data: { severity: 'critical' } });
      log.error(
        { slot: def.id, switcher: refName(switcher), to: next.source, err: result.error ?? result.status },
        'program cut failed: the program may still show the failed source',
      );
      return;
    }
    const data = result.data ?? {};
    const cut = data.cut === true;
    this.lastCuts.set(refName(switcher), { ts: at, slot: def.id, from: was.source, to: next.source, cut });
    record({
      ...base,
      type: 'program.cut',
      reason: cut
        ? `program showed ${was.source} (${refName(was.member)})`
        : `program showed ${String(data.program ?? 'another source')}: not cut`,
      data: {
        switcher: refName(switcher),
        from: was.source,
        to: next.source,
        cut,
        program: String(data.program ?? ''),
        ...(data.previewMoved === true ? { previewMoved: true } : {}),
        commandMs: at - sentAt,
        sinceFailoverMs: at - decidedAt,
      },
    });
    log.info(
      { slot: def.id, switcher: refName(switcher), from: was.source, to: next.source, cut, sinceFailoverMs: at - decidedAt },
      cut ? 'program cut to the backup' : 'program left as it was: the director is on another source',
    );
  }
}
