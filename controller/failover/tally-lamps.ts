/**
 * Tally lamps on GPIO boards: lit while on air for what the program shows — by the switcher's own
 * report where the slot maps its members to program sources, else for the slot's live member. Each lamp is told
 * only when what it should show changes — and told again when its board's agent is heard from after
 * a (re)connect, since a command sent while it was unreachable was lost.
 */
import type { DeviceRef } from '../../protocols/schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import { sameRef } from '../../protocols/device-ref.ts';

export interface TallyLampsDependencies {
  tally: (board: DeviceRef, tally: string, on: boolean, issuedBy: string) => void;
  /** Is the member on program by its switcher's report? undefined: not mapped, or not known. */
  onProgram?: (def: SlotDefinition, member: DeviceRef) => boolean | undefined;
}

const lampKey = (board: DeviceRef, tally: string): string => `${board.agent}/${board.device}#${tally}`;

export class TallyLamps {
  /** slot id → lamp key → what the lamp was last told. */
  private readonly told = new Map<string, Map<string, boolean>>();

  constructor(private readonly d: TallyLampsDependencies) {}

  /** Lights the lamps of what is on program while on air, and puts out every other lamp of the slot. */
  sync(def: SlotDefinition, onAir: boolean, active: DeviceRef | null, by: string): void {
    const lamps = this.lampsOf(def.id);
    for (const lamp of def.tallies) {
      const on = onAir && (this.d.onProgram?.(def, lamp.member) ?? sameRef(active, lamp.member));
      const key = lampKey(lamp.board, lamp.tally);
      if (lamps.get(key) === on) continue;
      lamps.set(key, on);
      this.d.tally(lamp.board, lamp.tally, on, by);
    }
  }

  /** A slot is redefined or removed: lamps the new definition no longer has go out. */
  release(def: SlotDefinition, replacement?: SlotDefinition): void {
    const lamps = this.lampsOf(def.id);
    const kept = new Set((replacement?.tallies ?? []).map((l) => lampKey(l.board, l.tally)));
    for (const lamp of def.tallies) {
      const key = lampKey(lamp.board, lamp.tally);
      if (lamps.get(key) && !kept.has(key)) this.d.tally(lamp.board, lamp.tally, false, 'controller');
      if (!kept.has(key)) lamps.delete(key);
    }
    if (!replacement) this.told.delete(def.id);
  }

  /** The agent of a board is reachable again: repeat what its lamps should show. */
  resend(agent: string, slots: Iterable<SlotDefinition>): void {
    for (const def of slots) {
      const lamps = this.told.get(def.id);
      if (!lamps) continue;
      for (const lamp of def.tallies) {
        const on = lamps.get(lampKey(lamp.board, lamp.tally));
        if (lamp.board.agent === agent && on !== undefined) this.d.tally(lamp.board, lamp.tally, on, 'controller');
      }
    }
  }

  private lampsOf(slot: string): Map<string, boolean> {
    let lamps = this.told.get(slot);
    if (!lamps) this.told.set(slot, (lamps = new Map()));
    return lamps;
  }
}
