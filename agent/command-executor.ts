/**
 * Takes commands for this agent's devices: never runs an id twice (a repeated id gets the earlier
 * result again), rejects unknown devices and actions, and reports `accepted` then `succeeded` /
 * `failed`. Time is measured here, from receipt: an action not finished within the command's ttlMs is
 * abandoned (`expired`) — the controller's clock is never compared with ours. A command the controller
 * gave up on is cancelled by a `cancel` that follows it on the same connection: abandoned if running,
 * refused on arrival if it comes late.
 */
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import { CANCEL_ACTION, type Command, type CommandResult, type CommandStatus, type Params } from '../protocols/schemas.ts';
import type { ActionOutcome } from './driver.ts';

export interface CommandTarget {
  actions: readonly string[];
  /** Runs the action; `signal` aborts it (time to live over, or cancelled). */
  execute(action: string, params: Params, signal: AbortSignal): Promise<ActionOutcome>;
}

export interface CommandExecutorSettings {
  agentId: string;
  clock: Clock;
  log: Logger;
  target: (deviceId: string) => CommandTarget | undefined;
  publish: (result: CommandResult) => void;
  /** How many command ids are remembered for de-duplication (and cancels of commands not yet seen). */
  memory?: number;
}

class Abandoned extends Error {
  constructor(
    readonly status: 'expired' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

export class CommandExecutor {
  private readonly results = new Map<string, CommandResult>();
  private readonly running = new Map<string, AbortController>();
  /** Cancels that arrived before their command (ids, oldest first). */
  private readonly cancelledAhead = new Map<string, string>();
  private readonly memory: number;
  /** The newest leader's term seen (controller/state, or a command); 0 with a single controller. */
  private leaderTerm = 0;

  constructor(private readonly s: CommandExecutorSettings) {
    this.memory = s.memory ?? 2_000;
  }

  /** A newer leader announced itself: commands from older terms are refused from now on. */
  noteLeaderTerm(term: number): void {
    if (term > this.leaderTerm) this.leaderTerm = term;
  }

  /** True when a desired config or command of `term` comes from a controller that no longer leads. */
  isStale(term: number | undefined): boolean {
    return term !== undefined && term < this.leaderTerm;
  }

  handle(command: Command): void {
    const earlier = this.results.get(command.id);
    if (earlier) {
      this.s.log.info({ agent: this.s.agentId, device: command.device, command: command.id }, 'repeated command id; repeating its result');
      this.s.publish(earlier);
      return;
    }
    // Fencing: a leader paused while another took over must not move a device when it resumes.
    if (this.isStale(command.term)) {
      this.s.log.warn(
        { agent: this.s.agentId, device: command.device, command: command.id, term: command.term, leaderTerm: this.leaderTerm },
        'refused a command from a controller that no longer leads',
      );
      return this.finish(
        command,
        'rejected',
        `from a controller that no longer leads (term ${command.term}; the leader's term is ${this.leaderTerm})`,
      );
    }
    if (command.term !== undefined) this.noteLeaderTerm(command.term);
    if (command.action === CANCEL_ACTION) return this.cancel(command);
    const cancelledBy = this.cancelledAhead.get(command.id);
    if (cancelledBy !== undefined) {
      this.cancelledAhead.delete(command.id);
      return this.finish(command, 'cancelled', `cancelled by ${cancelledBy} before it arrived`);
    }
    const target = this.s.target(command.device);
    if (!target) return this.finish(command, 'rejected', `no device "${command.device}" on agent ${this.s.agentId}`);
    if (!target.actions.includes(command.action)) {
      return this.finish(
        command,
        'rejected',
        `device "${command.device}" has no action "${command.action}"; it has: ${target.actions.join(', ')}`,
      );
    }
    this.finish(command, 'accepted');
    const abort = new AbortController();
    this.running.set(command.id, abort);
    const ttl = setTimeout(
      () => abort.abort(new Abandoned('expired', `not done within its time to live of ${command.ttlMs} ms`)),
      command.ttlMs,
    );
    const log = { agent: this.s.agentId, device: command.device, command: command.id, action: command.action, by: command.issuedBy };
    const abandoned = new Promise<never>((_, reject) =>
      abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }),
    );
    // Started on the next turn of the event loop: a stalled link delivers a late command and its cancel
    // in one read, and the cancel must stop it before anything reaches the device.
    const started = new Promise<ActionOutcome>((resolve, reject) =>
      setImmediate(() => {
        if (abort.signal.aborted) reject(abort.signal.reason);
        else target.execute(command.action, command.params, abort.signal).then(resolve, reject);
      }),
    );
    Promise.race([started, abandoned])
      .then(
        (outcome) => {
          this.s.log.info(log, 'command succeeded');
          this.finish(command, 'succeeded', undefined, outcome.data);
        },
        (err: unknown) => {
          const status = err instanceof Abandoned ? err.status : 'failed';
          this.s.log.warn({ ...log, status, err: errorMessage(err) }, `command ${status}`);
          this.finish(command, status, errorMessage(err));
        },
      )
      .finally(() => {
        clearTimeout(ttl);
        this.running.delete(command.id);
      });
  }

  private cancel(cancel: Command): void {
    const id = typeof cancel.params.command === 'string' ? cancel.params.command : undefined;
    if (!id) return this.finish(cancel, 'rejected', `${CANCEL_ACTION} needs params.command: the id of the command to cancel`);
    const running = this.running.get(id);
    const state = running ? 'running' : this.results.has(id) ? 'finished' : 'not arrived';
    if (running) running.abort(new Abandoned('cancelled', `cancelled by ${cancel.issuedBy}`));
    else if (state === 'not arrived') {
      this.cancelledAhead.set(id, cancel.issuedBy);
      if (this.cancelledAhead.size > this.memory) this.cancelledAhead.delete(this.cancelledAhead.keys().next().value!);
    }
    this.finish(cancel, 'succeeded', undefined, { command: id, state });
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
