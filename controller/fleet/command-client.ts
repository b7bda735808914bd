/**
 * Sends commands to agents and resolves with the final result, correlated by command id. The agent
 * gets the same patience as a time to live (it measures it itself, from receipt); a command given up
 * on — no result in time, or the controller stopping — is cancelled, so a link that stalls and then
 * delivers it late never makes a device act after the decision moved on.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import { TimeoutError } from '../../lib/timeout.ts';
import { CANCEL_ACTION, type Command, type CommandResult, type DeviceRef, type Params } from '../../protocols/schemas.ts';

export interface CommandRequest {
  target: DeviceRef;
  action: string;
  params: Params;
  issuedBy: string;
  timeoutMs: number;
}

interface Pending {
  agent: string;
  device: string;
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const FINAL = new Set(['succeeded', 'failed', 'rejected', 'expired']);

export class CommandClient {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly deps: {
      clock: Clock;
      send: (agent: string, command: Command) => void;
    },
  ) {}

  /** Resolves with the final result; rejects with TimeoutError if none arrives in time. */
  send(request: CommandRequest): Promise<CommandResult> {
    const command: Command = {
      id: randomUUID(),
      device: request.target.device,
      action: request.action,
      params: request.params,
      ttlMs: Math.max(1, Math.min(600_000, Math.round(request.timeoutMs))),
      issuedBy: request.issuedBy,
    };
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(command.id);
        this.cancel(request.target.agent, request.target.device, command.id);
        reject(new TimeoutError(`${request.action} on ${request.target.agent}/${request.target.device}`, request.timeoutMs));
      }, request.timeoutMs);
      this.pending.set(command.id, { agent: request.target.agent, device: request.target.device, resolve, reject, timer });
      this.deps.send(request.target.agent, command);
    });
  }

  private cancel(agent: string, device: string, id: string): void {
    this.deps.send(agent, {
      id: randomUUID(),
      device,
      action: CANCEL_ACTION,
      params: { command: id },
      ttlMs: 5_000,
      issuedBy: 'controller',
    });
  }

  /** Feed every result from agents/+/results here. Returns false for results nobody waits for. */
  onResult(agent: string, result: CommandResult): boolean {
    const waiting = this.pending.get(result.id);
    if (!waiting || waiting.agent !== agent) return false;
    if (!FINAL.has(result.status)) return true;
    clearTimeout(waiting.timer);
    this.pending.delete(result.id);
    waiting.resolve(result);
    return true;
  }

  cancelAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.cancel(p.agent, p.device, id);
      p.reject(new Error(reason));
      this.pending.delete(id);
    }
  }
}
