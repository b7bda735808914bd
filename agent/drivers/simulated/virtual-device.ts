/**
 * An in-process studio device (camera, wireless mic receiver or light) with injectable
 * faults. It backs the `simulated` driver used by the demo, the tests and the benchmark, so it
 * lives with the drivers: an agent never loads the wire-protocol simulators in `simulators/`.
 */
import type { Clock } from '../../../lib/clock.ts';
import { sleep } from '../../../lib/timeout.ts';

export type VirtualKind = 'camera' | 'mic' | 'light';

import type { FaultMode } from '../../../protocols/drivers/simulated.ts';

export { FAULT_MODES, type FaultMode } from '../../../protocols/drivers/simulated.ts';

export interface Fault {
  mode: FaultMode;
  delayMs?: number;
}

export interface VirtualReading {
  power: 'on' | 'standby';
  live: boolean;
  metrics: Record<string, number | string | boolean>;
}

export class DeviceError extends Error {
  override name = 'DeviceError';
}

export class VirtualDevice {
  private fault: Fault = { mode: 'none' };
  private requests = 0;
  private power: 'on' | 'standby' = 'on';
  private live = false;
  private preset = 1;
  private scene = 'off';
  private level = 0;
  private muted = false;
  private gainDb = 0;
  private readonly bootedAt: number;

  constructor(
    readonly kind: VirtualKind,
    private readonly clock: Clock,
  ) {
    this.bootedAt = clock.now();
  }

  injectFault(fault: Fault): void {
    this.fault = fault;
  }

  currentFault(): Fault {
    return this.fault;
  }

  async read(signal: AbortSignal): Promise<VirtualReading> {
    await this.respond(signal);
    return { power: this.power, live: this.live, metrics: this.metrics() };
  }

  async perform(action: string, params: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    await this.respond(signal);
    switch (action) {
      case 'activate':
        this.power = 'on';
        this.live = true;
        this.applyRole(params);
        return { live: true, ...this.roleState() };
      case 'standby':
        this.live = false;
        return { live: false };
      case 'power-on':
        this.power = 'on';
        return { power: this.power };
      case 'power-standby':
        this.power = 'standby';
        this.live = false;
        return { power: this.power };
      default:
        return this.performKindAction(action, params);
    }
  }

  private performKindAction(action: string, params: Record<string, unknown>): Record<string, unknown> {
    if (this.kind === 'camera' && (action === 'recall-preset' || action === 'set-preset')) {
      if (this.power !== 'on') throw new DeviceError('camera is in standby');
      this.preset = positiveInt(params.preset, 'preset');
      return { preset: this.preset };
    }
    if (this.kind === 'light' && action === 'set-scene') {
      this.scene = requireString(params.scene, 'scene');
      this.level = params.level === undefined ? 100 : percent(params.level);
      return { scene: this.scene, level: this.level };
    }
    if (this.kind === 'light' && action === 'blackout') {
      this.level = 0;
      return { level: 0 };
    }
    if (this.kind === 'mic' && (action === 'mute' || action === 'unmute')) {
      this.muted = action === 'mute';
      return { muted: this.muted };
    }
    if (this.kind === 'mic' && action === 'set-gain') {
      const gain = Number(params.gain);
      if (!Number.isFinite(gain) || gain < -18 || gain > 42) throw new DeviceError('gain must be a number from -18 to 42 dB');
      this.gainDb = gain;
      return { gainDb: gain };
    }
    throw new DeviceError(`a ${this.kind} does not support "${action}"`);
  }

  private applyRole(params: Record<string, unknown>): void {
    if (this.kind === 'camera' && params.preset !== undefined) this.preset = positiveInt(params.preset, 'preset');
    if (this.kind === 'light') {
      this.scene = params.scene === undefined ? this.scene : requireString(params.scene, 'scene');
      this.level = params.level === undefined ? 100 : percent(params.level);
    }
    if (this.kind === 'mic') this.muted = false;
  }

  private roleState(): Record<string, unknown> {
    if (this.kind === 'camera') return { preset: this.preset };
    if (this.kind === 'light') return { scene: this.scene, level: this.level };
    return { muted: this.muted };
  }

  private metrics(): Record<string, number | string | boolean> {
    const degraded = this.fault.mode === 'degraded';
    const uptimeS = Math.floor((this.clock.now() - this.bootedAt) / 1000);
    switch (this.kind) {
      case 'camera':
        return { temperatureC: degraded ? 78 : 44, preset: this.preset, uptimeS };
      case 'light':
        return { temperatureC: degraded ? 92 : 51, level: this.level, lampHours: 1200, uptimeS };
      case 'mic':
        return { batteryBars: degraded ? 1 : 5, rfDbm: degraded ? -88 : -55, muted: this.muted, gainDb: this.gainDb, uptimeS };
    }
  }

  private async respond(signal: AbortSignal): Promise<void> {
    this.requests += 1;
    switch (this.fault.mode) {
      case 'dead':
        // A hung device: no answer ever; the caller's deadline aborts the wait.
        await new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return;
      case 'error':
        throw new DeviceError('device reported an internal error');
      case 'slow':
        await sleep(this.fault.delayMs ?? 2_000, signal);
        return;
      case 'flapping':
        if (this.requests % 2 === 0) throw new DeviceError('device did not answer (flapping)');
        return;
      default:
        return;
    }
  }
}

function positiveInt(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new DeviceError(`${name} must be an integer from 0 to 255`);
  return n;
}

function percent(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new DeviceError('level must be from 0 to 100');
  return n;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new DeviceError(`${name} must be a non-empty string`);
  return value;
}
