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
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import type { ProgramMapping, SlotDefinition } from '../protocols/registry-operations.ts';
import type { CommandResult, DeviceRef, Params } from '../protocols/schemas.ts';
import type { FailoverEvent } from './failover-engine.ts';

export interface ProgramPathDependencies {
  clock: Clock;
  log: Logger;
  /** Sends a command (`program-take` to a switcher, `start-stream` to an encoder); resolves with its result. */
  command: (ref: DeviceRef, action: string, params: Params, issuedBy: string) => Promise<CommandResult>;
  record: (event: FailoverEvent) => void;
}

const refName = (r: DeviceRef): string => `${r.agent}/${r.device}`;
const same = (a: DeviceRef, b: DeviceRef): boolean => a.agent === b.agent && a.device === b.device;

export class ProgramPath {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly d: ProgramPathDependencies) {}

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
    if (!was || !next) return;
    const work = this.take(def, was, next, by, decidedAt);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** A show starting or ending its stream: the stream slot's live encoder starts or stops its output. */
  stream(slot: string, active: DeviceRef | null, on: boolean, by: string): void {
    const work = this.controlStream(slot, active, on, by);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async controlStream(slot: string, active: DeviceRef | null, on: boolean, by: string): Promise<void> {
    const { clock, record } = this.d;
    const base = { type: 'stream.changed' as const, slot, by };
    if (!active) return record({ ...base, ts: clock.now(), reason: `stream slot ${slot} has no live encoder`, data: { on, ok: false } });
    const result = await this.d.command(active, on ? 'start-stream' : 'stop-stream', {}, by).catch(
      (err: Error): CommandResult => ({ id: '-', device: active.device, status: 'failed', error: err.message, ts: clock.now() }),
    );
    const ok = result.status === 'succeeded';
    record({ ...base, agent: active.agent, device: active.device, ts: clock.now(), ...(ok ? {} : { reason: result.error ?? result.status }), data: { on, ok } });
    if (!ok && on) record({ type: 'alarm', slot, by, ts: clock.now(), reason: `the stream of ${slot} did not start on ${refName(active)}: ${result.error ?? result.status}`, data: { severity: 'critical' } });
  }

  /** Resolves when every take in flight has ended (for an orderly stop). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async take(def: SlotDefinition, was: ProgramMapping, next: ProgramMapping, by: string, decidedAt: number): Promise<void> {
    const { clock, log, record } = this.d;
    const switcher = next.switcher;
    const sentAt = clock.now();
    let result: CommandResult;
    try {
      result = await this.d.command(switcher, 'program-take', { to: next.source, from: was.source }, by);
    } catch (err) {
      result = { id: '-', device: switcher.device, status: 'failed', error: errorMessage(err), ts: clock.now() };
    }
    const at = clock.now();
    const base = { slot: def.id, agent: switcher.agent, device: switcher.device, by, ts: at };
    if (result.status !== 'succeeded') {
      const reason = `program switcher ${refName(switcher)} did not take ${next.source} for ${refName(next.member)}: ${result.error ?? result.status}`;
      record({ ...base, type: 'alarm', reason, data: { severity: 'critical' } });
      log.error({ slot: def.id, switcher: refName(switcher), to: next.source, err: result.error ?? result.status }, 'program cut failed: the program may still show the failed source');
      return;
    }
    const data = result.data ?? {};
    const cut = data.cut === true;
    record({
      ...base,
      type: 'program.cut',
      reason: cut ? `program showed ${was.source} (${refName(was.member)})` : `program showed ${String(data.program ?? 'another source')}: not cut`,
      data: { switcher: refName(switcher), from: was.source, to: next.source, cut, program: String(data.program ?? ''), ...(data.previewMoved === true ? { previewMoved: true } : {}), commandMs: at - sentAt, sinceFailoverMs: at - decidedAt },
    });
    log.info({ slot: def.id, switcher: refName(switcher), from: was.source, to: next.source, cut, sinceFailoverMs: at - decidedAt }, cut ? 'program cut to the backup' : 'program left as it was: the director is on another source');
  }
}
