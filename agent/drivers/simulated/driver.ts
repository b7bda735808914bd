/**
 * The `simulated` driver: an in-process VirtualDevice with injectable faults.
 * Layers as in the real drivers: the VirtualDevice is the device (and its vocabulary);
 * this file is the driver — probes turn readings into checks, actions pass through.
 */
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import type { DeviceStatus, HealthCheck } from '../../../protocols/schemas.ts';
import { worstOf } from '../../../protocols/health-rules.ts';
import { VirtualDevice, type VirtualKind } from './virtual-device.ts';
import { FAULT_MODES, simulatedSpec, type FaultMode, type SimulatedOptions } from '../../../protocols/drivers/simulated.ts';
import { systemClock, type Clock } from '../../../lib/clock.ts';

/** Thresholds until equipment profiles (issue 4) supply them per model. */
function readingChecks(kind: VirtualKind, metrics: Record<string, unknown>): HealthCheck[] {
  const check = (name: string, bad: boolean, status: DeviceStatus, detail: string): HealthCheck => ({
    name,
    status: bad ? status : 'ok',
    latencyMs: 0,
    ...(bad ? { detail } : {}),
  });
  const t = Number(metrics.temperatureC);
  switch (kind) {
    case 'camera':
      return [check('temperature', t > 70, 'degraded', `${t} °C is over 70 °C`)];
    case 'light':
      return [check('temperature', t > 85, 'failed', `fixture at ${t} °C is over its 85 °C limit`)];
    case 'mic': {
      const bars = Number(metrics.batteryBars);
      const rf = Number(metrics.rfDbm);
      return [
        check('battery', bars <= 1, 'degraded', `battery at ${bars} of 5 bars`),
        check('rf', rf < -85, 'degraded', `RF level ${rf} dBm is below -85 dBm`),
      ];
    }
  }
}

export function createSimulatedDriver(clock: Clock = systemClock): DriverDefinition<typeof SimulatedOptions> {
  return {
    ...simulatedSpec,
    create({ options }) {
      const device = new VirtualDevice(options.kind, clock);
      if (options.fault) device.injectFault(options.fault);
      return {
        async connect() {},
        async probe(signal): Promise<ProbeResult> {
          const started = clock.now();
          const reading = await device.read(signal);
          const checks: HealthCheck[] = [
            { name: 'reachable', status: 'ok', latencyMs: clock.now() - started },
            {
              name: 'power',
              status: reading.power === 'on' ? 'ok' : 'degraded',
              latencyMs: 0,
              ...(reading.power === 'on' ? {} : { detail: 'in standby' }),
            },
            ...readingChecks(options.kind, reading.metrics),
          ];
          return { status: worstOf(checks.map((c) => c.status)), checks, metrics: { ...reading.metrics, live: reading.live } };
        },
        async execute(action, params, signal) {
          if (action === 'simulate.fault') {
            const mode = String(params.mode ?? 'dead') as FaultMode;
            if (!FAULT_MODES.includes(mode)) throw new Error(`unknown fault "${mode}"; one of ${FAULT_MODES.join(', ')}`);
            device.injectFault({ mode, ...(params.delayMs === undefined ? {} : { delayMs: Number(params.delayMs) }) });
            return { data: { fault: mode } };
          }
          if (action === 'simulate.clear') {
            device.injectFault({ mode: 'none' });
            return { data: { fault: 'none' } };
          }
          return { data: await device.perform(action, params, signal) };
        },
        async close() {},
      };
    },
  };
}
