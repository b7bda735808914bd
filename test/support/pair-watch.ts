/**
 * A plain MQTT client watching controllers that share the lead: who leads (the retained
 * controller/state) and since when, every command with its term and every result, every slot state.
 * It tells which commands came from a controller that no longer led when it sent them.
 */
import type { MqttClient } from 'mqtt';
import { codecs } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import type { Command, ControllerState } from '../../protocols/schemas.ts';
import { closeClient, rawClient } from '../integration/helpers.ts';

export class PairWatch {
  state: ControllerState | undefined;
  /** Each announcement of a leader, in the order seen. */
  readonly leaders: Array<{ at: number; term: number; name: string }> = [];
  readonly commands: Array<{ at: number; agent: string; command: Command }> = [];
  readonly results: Array<{ id: string; status: string; error?: string }> = [];
  readonly slotStates: Array<{ at: number; term: number | undefined; slot: string; state: string; onAir: boolean; active: string | null }> =
    [];
  /** Every controller/state seen, retained ones included. */
  readonly states: Array<{ at: number; online: boolean; onAir: boolean | undefined; term: number | undefined }> = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (t, p) => this.onMessage(t, p));
  }

  static async start(url: string): Promise<PairWatch> {
    const client = await rawClient(url);
    const w = new PairWatch(client);
    await client.subscribeAsync([topic.controllerState(), topic.command('+'), topic.commandResult('+'), `${topic.slot('')}#`], { qos: 1 });
    return w;
  }

  private onMessage(t: string, p: Buffer): void {
    const at = Date.now();
    if (t === topic.controllerState()) {
      const d = codecs.controllerState.decode(p);
      if (!d.ok) return;
      this.state = d.value;
      this.states.push({ at, online: d.value.online, onAir: d.value.onAir, term: d.value.leader?.term });
      if (d.value.online && d.value.leader) this.leaders.push({ at, term: d.value.leader.term, name: d.value.leader.name });
    } else if (t.startsWith(topic.slot(''))) {
      const d = codecs.slot.decode(p);
      if (d.ok)
        this.slotStates.push({
          at,
          term: d.value.term,
          slot: d.value.slot,
          state: d.value.state,
          onAir: d.value.onAir,
          active: d.value.active ? `${d.value.active.agent}/${d.value.active.device}` : null,
        });
    } else if (t.endsWith('/commands')) {
      const d = codecs.command.decode(p);
      if (d.ok) this.commands.push({ at, agent: t.split('/')[3] ?? '', command: d.value });
    } else if (t.endsWith('/results')) {
      this.results.push(JSON.parse(p.toString()) as { id: string; status: string; error?: string });
    }
  }

  /** The leader as the retained controller/state names it now. */
  leader(): ControllerState['leader'] {
    return this.state?.online ? this.state.leader : undefined;
  }

  /** Commands sent under a term older than the newest leader announced before they were seen, and how many of them a device carried out. */
  staleCommands(): { sent: number; executed: number } {
    const stale = this.commands.filter((c) => {
      const newest = Math.max(0, ...this.leaders.filter((l) => l.at < c.at).map((l) => l.term));
      return c.command.term !== undefined && c.command.term < newest;
    });
    const ids = new Set(stale.map((c) => c.command.id));
    return { sent: stale.length, executed: this.results.filter((r) => ids.has(r.id) && r.status === 'succeeded').length };
  }

  stop(): Promise<void> {
    return closeClient(this.client);
  }
}
