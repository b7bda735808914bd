/** Issue 20, point 15: the probe deadline and the drivers' own request deadlines agree. */
import { describe, expect, it } from 'vitest';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { probeDeadline } from '../../protocols/probe-deadline.ts';

const drivers = builtInDrivers();
const spec = (name: string) => drivers.get(name)!;

describe('the probe deadline', () => {
  it("is derived from the driver's own request deadline when not given, never under 1 s", () => {
    expect(probeDeadline(spec('obs'), { host: 'h' }, undefined)).toEqual({ ms: 1_250, derivedFrom: 'options.requestTimeoutMs' });
    expect(probeDeadline(spec('onvif'), { host: 'h', username: 'u' }, undefined)).toMatchObject({ ms: 2_250 });
    expect(probeDeadline(spec('atem'), { host: 'h' }, undefined)).toEqual({ ms: 1_000, derivedFrom: 'options.requestTimeoutMs' });
    expect(probeDeadline(spec('firmata'), { path: '/dev/x', answerTimeoutMs: 900 }, undefined)).toEqual({
      ms: 1_150,
      derivedFrom: 'options.answerTimeoutMs',
    });
    expect(probeDeadline(spec('simulated'), { kind: 'camera' }, undefined)).toEqual({ ms: 1_000 });
  });

  it("raises a given deadline that is not longer than the driver's own, saying why with both fields", () => {
    expect(probeDeadline(spec('obs'), { host: 'h' }, 200)).toEqual({
      ms: 1_250,
      derivedFrom: 'options.requestTimeoutMs',
      raised: expect.stringContaining(
        "probe.timeoutMs (200 ms) is not longer than the obs driver's own request deadline, options.requestTimeoutMs (1000 ms): raised to 1250 ms",
      ),
    });
    expect(probeDeadline(spec('obs'), { host: 'h', requestTimeoutMs: 150 }, 200)).toEqual({ ms: 200 });
    expect(probeDeadline(spec('simulated'), { kind: 'camera' }, 80)).toEqual({ ms: 80 });
  });
});
