import { describe, expect, it } from 'vitest';
import { StreamWatch } from '../../controller/failover/stream-watch.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { ManualClock } from '../../lib/clock.ts';
import type { DeviceHealth, DeviceRef } from '../../protocols/schemas.ts';

const health = (metrics: DeviceHealth['metrics'], status: DeviceHealth['status'] = 'ok'): DeviceHealth => ({
  status,
  checks: status === 'ok' ? [] : [{ name: 'stream', status, latencyMs: 0, detail: 'the stream lost its ingest' }],
  metrics,
  consecutiveFailures: 0,
  ts: 0,
  seq: 0,
  session: 1,
  driver: 'obs',
});
const running = (dropped: number, reconnecting = false) =>
  health({ streaming: true, streamReconnecting: reconnecting, streamDroppedFrames: dropped });

function watch(resumed?: { condition: 'streaming'; framesDropped: number }) {
  const events: NewEvent[] = [];
  let live: DeviceRef | null = { agent: 'a', device: 'enc-1' };
  const w = new StreamWatch({
    clock: new ManualClock(1_000),
    record: (e) => void events.push(e),
    live: () => live,
    resumed: () => resumed,
  });
  w.sync([{ id: 'live', stream: 'studio-a/stream' }, { id: 'no-stream' }]);
  return {
    w,
    events,
    setLive: (r: DeviceRef | null) => (live = r),
    states: () => events.map((e) => (e.type === 'stream.state' ? e.data.condition : undefined)),
  };
}

describe('stream watch: what viewers of a show went through', () => {
  it('records a change of the live encoder’s stream, once, and nothing before the stream first runs', () => {
    const { w, states } = watch();
    w.onHealth('a', 'enc-1', health({ streaming: false })); // not started yet: no outage
    w.onHealth('a', 'enc-1', running(0));
    w.onHealth('a', 'enc-1', running(0));
    w.onHealth('a', 'enc-1', running(3, true));
    w.onHealth('a', 'enc-1', running(3, true));
    w.onHealth('a', 'enc-2', health({ streaming: false })); // not the live member
    w.onHealth('a', 'enc-1', health({}, 'offline'));
    expect(states()).toEqual(['streaming', 'reconnecting', 'offline']);
  });

  it('counts dropped frames across the encoders that were live, and across a counter that restarted', () => {
    const { w, events, setLive } = watch();
    w.onHealth('a', 'enc-1', running(5));
    w.onHealth('a', 'enc-1', running(9));
    w.onHealth('a', 'enc-1', running(2)); // the output started again: its counter restarted
    setLive({ agent: 'a', device: 'enc-2' });
    w.onHealth('a', 'enc-1', running(500)); // no longer live: not what viewers see
    w.onHealth('a', 'enc-2', running(4));
    w.sync([]);
    expect(events.at(-1)).toMatchObject({ type: 'stream.state', data: { show: 'live', condition: 'ended', framesDropped: 15 } });
  });

  it('after a controller restart carries on from the last recorded state, an encoder’s first reading a baseline', () => {
    const { w, events, states } = watch({ condition: 'streaming', framesDropped: 40 });
    w.onHealth('a', 'enc-1', running(40));
    w.onHealth('a', 'enc-1', running(45));
    expect(states(), 'no repeated "streaming"').toEqual([]);
    w.sync([]);
    expect(events.at(-1)!.data).toMatchObject({ condition: 'ended', framesDropped: 45 });
  });

  it('judges a backup that becomes live by its last health at once (it publishes nothing new while it keeps streaming)', () => {
    const { w, events, states, setLive } = watch();
    w.onHealth('a', 'enc-1', running(0));
    w.onHealth('a', 'enc-2', running(7)); // the backup already streams, not live yet
    w.onHealth('a', 'enc-1', running(0, true));
    setLive({ agent: 'a', device: 'enc-2' });
    w.liveChanged('studio-a/stream');
    expect(states()).toEqual(['streaming', 'reconnecting', 'streaming']);
    w.onHealth('a', 'enc-2', running(9));
    w.sync([]);
    expect(events.at(-1), "the backup's frames from when it went live").toMatchObject({ type: 'stream.state', data: { framesDropped: 2 } });
  });
});
