/**
 * The levels the agent has set are state of the agent: kept across a widget hiccup (the fixtures
 * close and reopen the shared widget), across repeated outages, and across an agent restart (from
 * its state file) — and restored on reconnect. The agent never sends levels nobody asked for: a
 * widget once went to black 150 ms after it answered again.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createPtyPair, type PtyPair } from '../../../lib/serial/pty-pair.ts';
import { DeviceRunner } from '../../../agent/device-runner.ts';
import { createDmxDriver } from '../../../agent/drivers/dmx/driver.ts';
import { fileKeptState, type KeptState } from '../../../agent/kept-state.ts';
import { EnttecWidgetSimulator } from '../../../simulators/dmx-widget.ts';
import { cleanupAfterEach, waitUntil } from '../helpers.ts';

const KEY = [255, 200, 100, 0];
const FILL = [64, 64, 64, 64];
let pair: PtyPair;
let widget: EnttecWidgetSimulator;
let dir: string;
let runners: DeviceRunner[] = [];

const cleanup = cleanupAfterEach();

async function rig(): Promise<void> {
  dir = cleanup.tempDir();
  pair = await createPtyPair();
  cleanup.defer(() => pair.close());
  widget = new EnttecWidgetSimulator(pair.b, [
    { uid: '7ff0:00000101', startAddress: 1, footprint: 4 },
    { uid: '7ff0:00000102', startAddress: 9, footprint: 4 },
  ]);
  cleanup.defer(() => widget.stop());
  await widget.start();
}

/** One agent's two fixtures on the shared widget, run as the agent runs them. */
function fixtures(state: KeptState): DeviceRunner[] {
  const make = (id: string, address: number, uid: string) =>
    new DeviceRunner({
      deviceId: id,
      driverName: 'dmx',
      driver: createDmxDriver().create({
        deviceId: id,
        log: silentLogger(),
        state,
        options: {
          path: pair.a,
          address,
          uid,
          footprint: 4,
          scenes: { key: KEY, half: [128, 128, 128, 128] },
          temperatureSensor: 0,
          maxTemperatureC: 85,
          answerTimeoutMs: 150,
        },
      }),
      probeIntervalMs: 100,
      probeTimeoutMs: 80,
      connectTimeoutMs: 1_000,
      actionTimeoutMs: 1_000,
      healthIntervalMs: 5_000,
      clock: systemClock,
      log: silentLogger(),
      publish: () => undefined,
    });
  runners = [make('key-1', 1, '7ff0:00000101'), make('fill-1', 9, '7ff0:00000102')];
  for (const r of runners) {
    r.start();
    cleanup.defer(() => r.stop());
  }
  return runners;
}

const slots = (frame: readonly number[], address: number) => frame.slice(address - 1, address + 3);
const healthy = (r: DeviceRunner) => r.lastHealth()?.status === 'ok';

describe('DMX levels', () => {
  it('survive widget outages longer than the reconnect threshold, again and again: no frame ever carries levels nobody set', async () => {
    await rig();
    const [key, fill] = fixtures(fileKeptState({ file: path.join(dir, 'state.json'), log: silentLogger() }));
    await waitUntil(() => healthy(key!) && healthy(fill!), 5_000, 'fixtures ok');
    await key!.execute('set-scene', { scene: 'key' });
    await fill!.execute('set-levels', { levels: FILL });
    await waitUntil(() => widget.universe[0] === 255 && widget.universe[8] === 64, 2_000, 'scene out');
    const from = widget.frames.length;
    for (let outage = 0; outage < 3; outage += 1) {
      widget.setFault('dead'); // the USB widget stops answering: 8 failed probes close the fixtures and the widget
      await new Promise((r) => setTimeout(r, 2_500));
      widget.setFault('none');
      await waitUntil(() => healthy(key!) && healthy(fill!), 10_000, `outage ${outage}: fixtures back`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const sent = widget.frames.slice(from);
    expect(sent.filter((f) => slots(f, 1).join() !== KEY.join() || slots(f, 9).join() !== FILL.join())).toEqual([]);
    expect([...widget.universe.subarray(0, 12)]).toEqual([...KEY, 0, 0, 0, 0, ...FILL]);
  });

  it('are restored after an agent restart from its state file, and nothing is sent when nobody set any', async () => {
    await rig();
    const file = path.join(dir, 'state.json');
    const first = fileKeptState({ file, log: silentLogger() });
    let [key] = fixtures(first);
    await waitUntil(() => healthy(key!), 5_000, 'fixture ok');
    await key!.execute('set-scene', { scene: 'key' });
    await waitUntil(() => widget.universe[0] === 255, 2_000, 'scene out');
    for (const r of runners) await r.stop();
    runners = [];
    first.flush(); // as Agent.stop does (a kill -9 loses at most the last 200 ms of changes)
    widget.powerCycle(); // the widget lost its frame while the agent was down
    const before = widget.dmxFrames;
    [key] = fixtures(fileKeptState({ file, log: silentLogger() }));
    await waitUntil(() => widget.universe[0] === 255, 3_000, 'levels restored');
    expect(widget.frames.slice(before).every((f) => slots(f, 1).join() === KEY.join())).toBe(true);

    // A fresh agent with no state: the widget keeps outputting what it holds; nothing is sent.
    for (const r of runners) await r.stop();
    runners = [];
    const fresh = widget.dmxFrames;
    [key] = fixtures(fileKeptState({ file: path.join(dir, 'other.json'), log: silentLogger() }));
    await waitUntil(() => healthy(key!), 5_000, 'fixture ok');
    await new Promise((r) => setTimeout(r, 500));
    expect(widget.dmxFrames).toBe(fresh);
    expect(widget.universe[0]).toBe(255);
  });
});
