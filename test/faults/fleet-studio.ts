/**
 * A studio of real processes for the fleet chaos run: `onair controller` (embedded broker, or an
 * external Mosquitto), three `onair agent` processes with simulated gear, a show on air, and a plain
 * MQTT watcher. It can tell, at any moment, the live member of each slot as the controller, the
 * retained slot topic and the store each hold it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { request, withController } from '../../client/request-client.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import { topic } from '../../protocols/contract.ts';
import type { ControllerState } from '../../protocols/schemas.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { closeClient, rawClient, simulate } from '../integration/helpers.ts';
import { agentProcess, controllerProcess, waitForPort, type ControllerProcess, type ManagedProcess } from '../support/processes.ts';
import { Watcher } from '../support/watcher.ts';

export const CAMS = 'studio-a/cam-wide';
export const MICS = 'studio-a/mic-host';
const PROBE = { intervalMs: 100, timeoutMs: 80 };

export class FleetStudio {
  readonly agents = new Map<string, ManagedProcess>();
  watcher!: Watcher;
  private constructor(
    readonly dir: string,
    readonly controller: ControllerProcess,
    readonly brokerUrl: string,
    /** The live member of a slot as the database holds it (`agent/device`, or the primary when no row). */
    private readonly storedLive: (slot: string) => Promise<string> = (slot) =>
      Promise.resolve(sqliteLive(path.join(dir, 'data', 'onair.sqlite'), slot)),
  ) {}

  /**
   * The same studio run by controllers the caller started (a pair on PostgreSQL, sharing `brokerUrl`);
   * `controller` is the first of them, `storedLive` reads the live member from their database.
   */
  static async startWith(
    dir: string,
    o: { controller: ControllerProcess; brokerUrl: string; storedLive: (slot: string) => Promise<string> },
  ): Promise<FleetStudio> {
    const studio = new FleetStudio(dir, o.controller, o.brokerUrl, o.storedLive);
    await studio.controllerOnline(0);
    await studio.populate();
    return studio;
  }

  /** `broker`: an external one (Mosquitto) instead of the controller's embedded broker. */
  static async start(dir: string, broker?: { url: string }): Promise<FleetStudio> {
    try {
      return await FleetStudio.startIn(dir, broker);
    } catch (err) {
      const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-60).join('\n') : '(none)');
      throw new Error(`${(err as Error).message}\ncontroller log:\n${tail(path.join(dir, 'controller.log'))}`, { cause: err });
    }
  }

  private static async startIn(dir: string, broker?: { url: string }): Promise<FleetStudio> {
    const config = {
      detection: { recoverAfterMs: 1_000, restartGraceMs: 5_000 },
      ...(broker ? { broker: { embedded: false, url: broker.url } } : {}),
    };
    const controller = await controllerProcess(dir, config);
    const studio = new FleetStudio(dir, controller, broker?.url ?? controller.url);
    const startedAt = Date.now();
    controller.start();
    if (!broker) await waitForPort(controller.port, 10_000);
    await studio.controllerOnline(startedAt);
    await studio.populate();
    return studio;
  }

  /** Three agents, five devices in two slots, a show on air. */
  private async populate(): Promise<void> {
    const dir = this.dir;
    for (const id of ['agent-a', 'agent-b', 'agent-c']) {
      const agent = await agentProcess(dir, id, this.brokerUrl);
      agent.start();
      this.agents.set(id, agent);
    }
    this.watcher = await Watcher.start(this.brokerUrl);
    await registerStudio(this.brokerUrl, {
      by: 'chaos',
      devices: [
        { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', probe: PROBE },
        { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', probe: PROBE },
        { agent: 'agent-c', device: 'cam-3', profile: 'simulated-camera', probe: PROBE },
        { agent: 'agent-a', device: 'mic-1', profile: 'simulated-mic', probe: PROBE },
        { agent: 'agent-b', device: 'mic-2', profile: 'simulated-mic', probe: PROBE },
      ],
      slots: [
        { id: CAMS, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2', 'agent-c/cam-3'], params: { preset: 1 } },
        { id: MICS, primary: 'agent-a/mic-1', backups: ['agent-b/mic-2'], params: {} },
      ],
    });
    await this.allOk(30_000);
    const startsAt = Date.now() + 1_000;
    await this.ask('show.add', {
      id: 'chaos-show',
      studio: 'studio-a',
      startsAt,
      endsAt: startsAt + 6 * 3_600_000,
      slots: [CAMS, MICS],
      preShowMinutes: 0,
    });
    await this.watcher.waitFor(() => this.watcher.slots.get(CAMS)?.onAir && this.watcher.slots.get(MICS)?.onAir, 10_000, 'the show on air');
  }

  /** The controller announces itself (retained controller/state) once it has subscribed: before that, a request reaches no one. */
  async controllerOnline(since: number, timeoutMs = 15_000): Promise<void> {
    const client = await rawClient(this.brokerUrl);
    try {
      const states: ControllerState[] = [];
      client.on('message', (_t, p) => p.length > 0 && states.push(JSON.parse(p.toString()) as ControllerState));
      await client.subscribeAsync(topic.controllerState(), { qos: 1 });
      const deadline = Date.now() + timeoutMs;
      while (!states.some((s) => s.online && s.ts >= since)) {
        if (Date.now() > deadline) throw new Error(`the controller did not come online within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await closeClient(client);
    }
  }

  ask<O extends OperationName>(op: O, params: OperationParams<O>, timeoutMs = 10_000): Promise<OperationData<O>> {
    const options = { broker: this.brokerUrl, timeoutMs, issuedBy: 'chaos' };
    return withController(options, (c) => request(c, op, params, options));
  }

  /** Every member of every slot ok, as the retained slot topics say. */
  allOk(timeoutMs: number): Promise<unknown> {
    return this.watcher.waitFor(
      () => [CAMS, MICS].every((id) => this.watcher.slots.get(id)?.members.every((m) => m.status === 'ok')),
      timeoutMs,
      'every member ok',
    );
  }

  /**
   * A device's fault, set as any MQTT client can (the simulated gear's control actions). Retried until
   * the agent confirms it: between two reconnects of a hung device the agent answers "not connected".
   */
  async fault(agent: string, device: string, mode: 'dead' | 'none', timeoutMs = 5_000): Promise<void> {
    await simulate(this.brokerUrl, agent, device, mode === 'none' ? 'clear' : { mode }, timeoutMs);
  }

  async log(): Promise<ControllerEvent[]> {
    return (await this.ask('events', { limit: 10_000 })).events;
  }

  /** The live member of a slot, three ways: the controller's answer, the retained topic, the database. */
  async liveMember(slot: string): Promise<{ controller: string; retained: string; store: string }> {
    const name = (r: { agent: string; device: string } | null | undefined) => (r ? `${r.agent}/${r.device}` : 'none');
    const status = await this.ask('status', {});
    return {
      controller: name(status.slots.find((s) => s.slot === slot)?.active),
      retained: name(this.watcher.slots.get(slot)?.active),
      store: await this.storedLive(slot),
    };
  }

  async stop(): Promise<void> {
    await this.watcher?.stop();
    for (const a of this.agents.values()) await a.stop();
    await this.controller.stop();
  }
}

type LiveRow = { agent: string | null; device: string | null } | undefined;

/** The live member from a slot's assignment row and definition (either database). No row: the slot never switched, its primary is live. */
export function liveFromRows(row: LiveRow, definitionBody: string): string {
  const definition = JSON.parse(definitionBody) as { primary: { agent: string; device: string } };
  if (!row) return `${definition.primary.agent}/${definition.primary.device}`;
  return row.agent && row.device ? `${row.agent}/${row.device}` : 'none';
}

function sqliteLive(file: string, slot: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const row = db
      .prepare('SELECT active_agent AS agent, active_device AS device FROM slot_assignments WHERE slot = ?')
      .get(slot) as LiveRow;
    return liveFromRows(row, (db.prepare('SELECT body FROM slots WHERE id = ?').get(slot) as { body: string }).body);
  } finally {
    db.close();
  }
}
