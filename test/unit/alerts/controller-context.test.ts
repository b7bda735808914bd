import { describe, expect, it } from 'vitest';
import { alertContextOf, type ControllerPicture } from '../../../controller/alerting/alerts/controller-context.ts';
import type { DeviceStatus } from '../../../protocols/schemas.ts';

const T = Date.UTC(2026, 11, 7, 20, 0, 0);
const cam = { agent: 'agent-a', device: 'cam-1' };
const spare = { agent: 'agent-b', device: 'cam-2' };

function picture(live: typeof cam | null, status: Record<string, DeviceStatus>): ControllerPicture {
  return {
    fleet: { view: () => 'settled' },
    slots: {
      slotsOf: () => ['wide'],
      isSlotOnAir: () => true,
      isOnAir: () => true,
      liveOf: () => live,
      definition: () => ({ id: 'wide', primary: cam, backups: [spare] }) as never,
    },
    registry: {
      status: (agent, device) => status[`${agent}/${device}`] ?? 'unknown',
      allDevices: () => [{ agent: 'agent-a', device: 'cam-1' } as never, { agent: 'agent-b', device: 'cam-2' } as never],
    },
    catalog: {
      isRegistered: (agent) => agent === 'agent-a',
      lookup: () =>
        ({ registration: { studio: 'studio-a' }, config: { media: { role: 'program' } }, profile: { kind: 'camera' } }) as never,
    },
    shows: {
      activeShows: () =>
        [
          { id: 'late', studio: 'studio-a', startsAt: T + 7_200_000, state: 'scheduled' },
          { id: 'news', studio: 'studio-a', startsAt: T + 600_000, state: 'scheduled' },
          { id: 'now', studio: 'studio-a', startsAt: T - 60_000, state: 'on_air' },
          { id: 'other', studio: 'studio-b', startsAt: T + 60_000, state: 'scheduled' },
        ] as never,
    },
  };
}

describe('the AlertContext from the controller’s parts', () => {
  it('a slot is down when the failover engine left nothing live; members carry status and which is live', () => {
    expect(alertContextOf(picture(null, {})).isSlotDown('wide')).toBe(true);
    // its live member failed, its failover not decided yet: not down
    expect(alertContextOf(picture(cam, { 'agent-a/cam-1': 'failed' })).isSlotDown('wide')).toBe(false);
    const ctx = alertContextOf(picture(spare, { 'agent-a/cam-1': 'failed', 'agent-b/cam-2': 'ok' }));
    expect(ctx.isSlotDown('wide')).toBe(false);
    expect(ctx.members('wide')).toEqual([
      { ref: cam, status: 'failed', live: false },
      { ref: spare, status: 'ok', live: true },
    ]);
    expect(ctx.devicesOf('agent-a')).toEqual([cam]);
  });

  it("a device's studio and role (program or playback before its kind); the studio's next show", () => {
    const ctx = alertContextOf(picture(cam, {}));
    expect(ctx.deviceInfo(cam)).toEqual({ studio: 'studio-a', role: 'program' });
    expect(ctx.deviceInfo(spare)).toEqual({});
    expect(ctx.nextShow('studio-a', T)).toEqual({ show: 'news', startsAt: T + 600_000 });
    expect(ctx.nextShow(undefined, T)).toEqual({ show: 'other', startsAt: T + 60_000 });
  });
});
