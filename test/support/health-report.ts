import type { DeviceHealth } from '../../protocols/schemas.ts';

/** An ok health report of `session` from the simulated driver, with whatever a test changes. */
export const healthReport = (session: number, over: Partial<DeviceHealth> = {}): DeviceHealth => ({
  status: 'ok',
  checks: [],
  metrics: {},
  consecutiveFailures: 0,
  ts: 0,
  seq: 0,
  session,
  driver: 'simulated',
  ...over,
});
