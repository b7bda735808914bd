import { describe, expect, it } from 'vitest';
import { FakeLink } from '../../support/fake-link.ts';
import { ShureSession } from '../../../agent/drivers/shure/session.ts';

const setup = () => {
  const link = new FakeLink();
  const session = new ShureSession({ link, channel: 1, answerTimeoutMs: 1_000, now: () => 0 });
  return { link, session };
};

describe('Shure session', () => {
  it('a SET is answered only by a REP with the value it set, not by a stale report', async () => {
    const { link, session } = setup();
    let done = false;
    const mute = session.set('AUDIO_MUTE', 'ON', { priority: 'action' }).then((v) => ((done = true), v));
    link.receive('< REP 1 AUDIO_MUTE OFF >'); // from an earlier GET ALL, still in flight
    await Promise.resolve();
    expect(done).toBe(false);
    link.receive('< REP 1 AUDIO_MUTE ON >');
    await expect(mute).resolves.toBe('ON');
  });

  it('a GET takes any REP of its property; pushed REPs of others only update state', async () => {
    const { link, session } = setup();
    const bars = session.get('BATT_BARS', { priority: 'probe' });
    link.receive('< REP 1 TX_TYPE ULXD2 >< REP 2 BATT_BARS 001 >< REP 1 BATT_BARS 004 >');
    await expect(bars).resolves.toBe('004');
    expect(session.state.values.get('TX_TYPE')).toBe('ULXD2');
  });

  it('REP ERR fails the request in flight; the next one goes out after it', async () => {
    const { link, session } = setup();
    const gain = session.set('AUDIO_GAIN', '099', { priority: 'action' });
    const bars = session.get('BATT_BARS', { priority: 'probe' });
    expect(link.written).toEqual(['< SET 1 AUDIO_GAIN 099 >']);
    link.receive('< REP ERR >');
    await expect(gain).rejects.toThrow('REP ERR');
    expect(link.written).toHaveLength(2);
    link.receive('< REP 1 BATT_BARS 005 >');
    await expect(bars).resolves.toBe('005');
  });

  it('puts actions ahead of queued probes', () => {
    const { link, session } = setup();
    void session.get('BATT_BARS', { priority: 'probe' }).catch(() => undefined);
    void session.get('TX_TYPE', { priority: 'probe' }).catch(() => undefined);
    void session.set('AUDIO_MUTE', 'OFF', { priority: 'action' }).catch(() => undefined);
    link.receive('< REP 1 BATT_BARS 005 >');
    expect(link.written).toEqual(['< GET 1 BATT_BARS >', '< SET 1 AUDIO_MUTE OFF >']);
    session.reset('done');
  });
});
