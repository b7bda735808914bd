/**
 * Takes commands for this agent's devices: refuses expired ones, never runs an id twice
 * (a repeated id gets the earlier result again), rejects unknown devices and actions,
 * and reports `accepted` then `succeeded` / `failed`.
 */
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import type { Command, CommandResult, CommandStatus, Params } from '../protocols/schemas.ts';
import type { ActionOutcome } from './driver.ts';

export interface CommandTarget {
  actions: readonly string[];
  execute(action: string, params: Params): Promise<ActionOutcome>;
}

export interface CommandExecutorSettings {
  agentId: string;
  clock: Clock;
  log: Logger;
  target: (deviceId: string) => CommandTarget | undefined;
  publish: (result: CommandResult) => void;
  /** How many command ids are remembered for de-duplication. */
  memory?: number;
}

export class CommandExecutor {
  private readonly results = new Map<string, CommandResult>();
  private readonly memory: number;

  constructor(private readonly s: CommandExecutorSettings) {
    this.memory = s.memory ?? 2_000;
  }

  handle(command: Command): void {
    const earlier = this.results.get(command.id);
    if (earlier) {
      this.s.log.info({ agent: this.s.agentId, device: command.device, command: command.id }, 'repeated command id; repeating its result');
      this.s.publish(earlier);
      return;
    }
    if (this.s.clock.now() > command.expiresAt) {
      this.finish(command, 'expired', `expired ${this.s.clock.now() - command.expiresAt} ms before it arrived`);
      return;
    }
    const target = this.s.target(command.device);
    if (!target) {
      this.finish(command, 'rejected', `no device "${command.device}" on agent ${this.s.agentId}`);
      return;
    }
    if (!target.actions.includes(command.action)) {
      this.finish(command, 'rejected', `device "${command.device}" has no action "${command.action}"; it has: ${target.actions.join(', ')}`);
      return;
    }
    this.finish(command, 'accepted');
    const log = { agent: this.s.agentId, device: command.device, command: command.id, action: command.action, by: command.issuedBy };
    target.execute(command.action, command.params).then(
      (outcome) => {
        this.s.log.info(log, 'command succeeded');
        this.finish(command, 'succeeded', undefined, outcome.data);
      },
      (err: unknown) => {
        this.s.log.warn({ ...log, err: errorMessage(err) }, 'command failed');
        this.finish(command, 'failed', errorMessage(err));
      },
    );
  }

  private finish(command: Command, status: CommandStatus, error?: string, data?: Params): void {
    const result: CommandResult = {
      id: command.id,
      device: command.device,
      status,
      ts: this.s.clock.now(),
      ...(error === undefined ? {} : { error }),
      ...(data === undefined ? {} : { data }),
    };
    this.results.delete(command.id); // re-insert so the Map's order stays "least recently finished first"
    this.results.set(command.id, result);
    if (this.results.size > this.memory) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
    this.s.publish(result);
  }
}
