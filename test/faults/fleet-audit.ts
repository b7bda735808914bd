/**
 * What the chaos runs check after each phase, shared by the fleet (fleet.faults.ts) and the
 * controller pair (pair.faults.ts): the live member agrees everywhere, one failover per real failure,
 * no event lost or duplicated on the way to a plain MQTT watcher; a failed run keeps its logs.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, onTestFailed } from 'vitest';
import type { ControllerEvent } from '../../protocols/events.ts';
import { ledger, type Ledger, type SlotView } from './fleet-ledger.ts';
import { RESULTS_DIR } from './results.ts';
import { CAMS, MICS, type FleetStudio } from './fleet-studio.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failed run keeps every process's log in .faults/logs/ (the temp dir goes). */
export function keepLogsOnFailure(dir: string): void {
  onTestFailed(() => {
    const to = path.join(RESULTS_DIR, 'logs', path.basename(dir));
    mkdirSync(to, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) copyFileSync(path.join(dir, file), path.join(to, file));
    process.stderr.write(`logs of the failed run: ${to}\n`);
  });
}

export const lastSeq = (events: ControllerEvent[]) => events.at(-1)?.seq ?? 0;

/** The live member agrees in the controller, the retained topic and the store (the topic may lag a moment). */
export async function consistent(studio: FleetStudio, label: string): Promise<void> {
  for (const slot of [CAMS, MICS]) {
    let seen = await studio.liveMember(slot);
    for (let i = 0; i < 40 && !(seen.controller === seen.retained && seen.retained === seen.store); i += 1) {
      await sleep(50);
      seen = await studio.liveMember(slot);
    }
    expect(seen.retained, `${label}: ${slot} retained`).toBe(seen.controller);
    expect(seen.store, `${label}: ${slot} stored`).toBe(seen.controller);
  }
}

/** The slots as they stand: the ledger's starting point for a phase. */
export async function slotsNow(studio: FleetStudio): Promise<SlotView[]> {
  const { slots } = await studio.ask('status', {});
  return slots.map((s) => ({
    id: s.slot,
    members: [s.primary, ...s.backups].map((m) => `${m.agent}/${m.device}`),
    active: s.active ? `${s.active.agent}/${s.active.device}` : null,
  }));
}

/** Events lost (in the log while the watcher was connected, never received) or received twice. */
export function delivery(studio: FleetStudio, log: ControllerEvent[]): { lost: number; duplicated: number } {
  return { lost: studio.watcher.missedFrom(log).length, duplicated: studio.watcher.duplicates().length };
}

/**
 * A phase's figures from the event log. `caused`: live-member failures the phase caused on purpose
 * (a restart phase causes none, and then no device may be declared failed at all).
 */
export function chaosAudit(results: Array<Record<string, unknown>>) {
  return function audit(
    studio: FleetStudio,
    log: ControllerEvent[],
    from: number,
    start: SlotView[],
    phase: string,
    cycles: number,
    caused: number | 'either',
  ): Ledger {
    const l = ledger(log, from, start);
    results.push({ phase, cycles, caused, ...l, ...delivery(studio, log) });
    if (caused === 0) {
      expect(l.realFailures, `${phase}: no live member declared failed`).toBe(0);
    } else if (caused !== 'either') {
      expect(l.realFailures, `${phase}: the failures caused`).toBeGreaterThanOrEqual(caused);
    }
    expect(l.withoutFailure, `${phase}: failovers without a failure`).toBe(0);
    expect(l.failovers + l.failuresSwitchedByHand + l.failuresEndedDown, `${phase}: one failover per failure`).toBe(l.realFailures);
    expect(l.unexplainedDowns, `${phase}: slot down with a healthy member`).toBe(0);
    return l;
  };
}
