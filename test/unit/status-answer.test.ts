import { describe, expect, it } from 'vitest';
import { Registry } from '../../controller/fleet/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/fleet/failure-detector.ts';
import { encodeStatusAnswer } from '../../controller/status-answer.ts';
import { responseCodec } from '../../protocols/codec.ts';
import type { StatusData } from '../../protocols/schemas.ts';
import { healthReport } from '../support/health-report.ts';

const live = (now: number) => ({ now, live: true });

/** A picture as the controller's status() builds it: devices in the middle, as the generic answer has them. */
function picture(r: Registry): StatusData {
  return { onAir: true, showsOnAir: ['evening-news'], ...r.summary(), slots: [], counters: { healthMessages: 3 } };
}

/** What the generic path would send: the whole answer checked and serialised. */
const generic = (transaction: string, data: StatusData) =>
  JSON.parse(responseCodec('status').encode({ transaction, status: 'ok', data }).toString());
const fast = (transaction: string, r: Registry) => JSON.parse(encodeStatusAnswer(transaction, picture(r), r.devicesJson()).toString());

function fleet(): Registry {
  const r = new Registry(DEFAULT_THRESHOLDS);
  r.applyAgentState('agent-a', { online: true, session: 1, ts: 0, devices: ['cam-1', 'mic-1'] }, live(0));
  r.applyHealth('agent-a', 'cam-1', healthReport(1, { driver: 'onvif' }), live(10));
  r.applyHealth(
    'agent-a',
    'mic-1',
    healthReport(1, {
      status: 'degraded',
      checks: [{ name: 'battery', status: 'degraded', latencyMs: 1, detail: 'battery at 1 of 5 bars' }],
    }),
    live(20),
  );
  return r;
}

describe('the status answer encoded around its devices’ kept JSON (issue 21.9)', () => {
  it('says exactly what the generic encoding says', () => {
    const r = fleet();
    expect(fast('t-1', r)).toEqual(generic('t-1', picture(r)));
    expect(fast('t-1', r).data.devices).toHaveLength(2);
  });

  it('re-serialises a device whose entry changed, and only then', () => {
    const r = fleet();
    const before = r.devicesJson();
    expect(r.devicesJson()).toBe(before);
    r.applyHealth('agent-a', 'cam-1', healthReport(1, { driver: 'onvif', seq: 1 }), live(30));
    const after = fast('t-2', r);
    expect(after.data.devices.find((d: { device: string }) => d.device === 'cam-1').lastHealthAt).toBe(30);
    expect(after).toEqual(generic('t-2', picture(r)));
    // A failure shows at once, its detail included, and goes when the device is ok again.
    r.applyHealth('agent-a', 'cam-1', healthReport(1, { status: 'failed', consecutiveFailures: 5, seq: 2 }), live(40));
    expect(fast('t-3', r)).toEqual(generic('t-3', picture(r)));
  });

  it('names a registered device by its label, model and studio, and forgets them when it is unregistered (issue 24)', () => {
    const r = fleet();
    r.name('agent-a', 'cam-1', { label: 'Wide camera', model: 'PTZOptics Move SE', studio: 'studio-a' });
    const named = fast('t-5', r).data.devices.find((d: { device: string }) => d.device === 'cam-1');
    expect(named).toMatchObject({ label: 'Wide camera', model: 'PTZOptics Move SE', studio: 'studio-a' });
    expect(fast('t-5', r)).toEqual(generic('t-5', picture(r)));
    r.name('agent-a', 'cam-1', { label: 'Close camera', model: 'PTZOptics Move SE', studio: 'studio-a' });
    expect(r.summary().devices.find((d) => d.device === 'cam-1')!.label).toBe('Close camera');
    r.name('agent-a', 'cam-1', undefined);
    const plain = r.summary().devices.find((d) => d.device === 'cam-1')!;
    expect([plain.label, plain.model, plain.studio]).toEqual([undefined, undefined, undefined]);
  });

  it('hands out entries nobody can change behind the kept JSON', () => {
    const r = fleet();
    const entry = r.summary().devices[0]!;
    expect(() => Object.assign(entry, { status: 'failed' })).toThrow(TypeError);
  });

  it('refuses a picture that breaks the contract, as the generic encoding does', () => {
    const r = fleet();
    const broken = { ...picture(r), counters: { healthMessages: 1.5 } };
    expect(() => encodeStatusAnswer('t-4', broken, r.devicesJson())).toThrow(/invalid payload/);
  });
});
