/** The firmata driver (johnny-five + firmata-io over serialport 13) against the Firmata board simulator over a pty. */
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/logger.ts';
import { withTimeout } from '../../../lib/timeout.ts';
import { createPtyPair, type PtyPair } from '../../../lib/serial/pty-pair.ts';
import { createFirmataDriver } from '../../../agent/drivers/firmata/driver.ts';
import type { Driver } from '../../../agent/driver.ts';
import { FirmataBoardSimulator } from '../../../simulators/firmata-board.ts';
import { cleanupAfterEach, eventually } from '../helpers.ts';
import { memoryKeptState } from '../../../agent/kept-state.ts';

const cleanup = cleanupAfterEach();
let pair: PtyPair;
let board: FirmataBoardSimulator;
let driver: Driver;
const probe = () => withTimeout('probe', 1_000, (signal) => driver.probe(signal));
const act = (action: string, params: Record<string, unknown> = {}) =>
  withTimeout(action, 3_000, (signal) => driver.execute(action, params, signal));

beforeEach(async () => {
  pair = await createPtyPair();
  cleanup.defer(() => pair.close());
  board = new FirmataBoardSimulator(pair.b);
  cleanup.defer(() => board.stop());
  await board.start();
  driver = createFirmataDriver().create({
    state: memoryKeptState(),
    deviceId: 'gpio-1',
    log: silentLogger(),
    options: {
      path: pair.a,
      baudRate: 57600,
      relays: { 'cam-1-power': 7 },
      tallies: { 'cam-1': 12, 'cam-2': 13 },
      lightSensor: { pin: 'A0', brightAbove: 600 },
      readyTimeoutMs: 5_000,
      staleAfterMs: 600,
      answerTimeoutMs: 300,
    },
  });
  cleanup.defer(() => driver.close());
  await withTimeout('connect', 6_000, (signal) => driver.connect(signal));
});

describe('firmata driver over a pty', () => {
  it('comes up through johnny-five and reports firmware and the light sensor', async () => {
    await eventually(async () => (await probe()).metrics.light === 180, 2_000, 'a light reading');
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(health.metrics).toMatchObject({ firmware: 'StandardFirmata.ino 2.5', light: 180, bright: false, 'tally.cam-1': false });
    board.light = 900; // the key light came on
    await eventually(async () => (await probe()).metrics.bright === true, 2_000, 'bright');
    await expect(act('read-light')).resolves.toEqual({ data: { light: 900, bright: true } });
  });

  it('switches relays and tallies on the real pins, and power-cycles', async () => {
    await act('tally-on', { tally: 'cam-2' });
    await eventually(async () => board.digital(13) === 1, 1_000, 'tally pin 13 high');
    await act('activate', { tally: 'cam-1' });
    await act('standby', { tally: 'cam-2' });
    await eventually(async () => board.digital(12) === 1 && board.digital(13) === 0, 1_000, 'tallies moved');
    await act('relay-on', { relay: 'cam-1-power' });
    await eventually(async () => board.digital(7) === 1, 1_000, 'relay on');
    const cycle = act('power-cycle', { relay: 'cam-1-power', offMs: 300 });
    await eventually(async () => board.digital(7) === 0, 1_000, 'relay off during the cycle');
    await expect(cycle).resolves.toEqual({ data: { relay: 'cam-1-power', cycledMs: 300 } });
    await eventually(async () => board.digital(7) === 1, 1_000, 'relay back on');
    await expect(act('tally-on', { tally: 'cam-9' })).rejects.toThrow('no tally "cam-9"; tallys: cam-1, cam-2');
  });

  it('a board that garbles its capability report fails to connect, with the reason', async () => {
    await driver.close();
    board.setFault('protocol-error');
    driver = createFirmataDriver().create({
      state: memoryKeptState(),
      deviceId: 'gpio-2',
      log: silentLogger(),
      options: { path: pair.a, baudRate: 57600, relays: {}, tallies: {}, readyTimeoutMs: 1_000, staleAfterMs: 600, answerTimeoutMs: 300 },
    });
    await expect(withTimeout('connect', 3_000, (signal) => driver.connect(signal))).rejects.toThrow(/not ready within 1000 ms/);
    board.setFault('none');
  });

  it('reads through garbage and late bytes', async () => {
    await eventually(async () => (await probe()).metrics.light === 180, 2_000, 'a light reading');
    board.setFault('garbage');
    board.light = 700;
    await eventually(async () => (await probe()).metrics.light === 700, 2_000, 'the reading through garbage');
    board.setFault('slow');
    board.light = 300;
    await eventually(async () => (await probe()).metrics.light === 300, 2_000, 'the reading, late');
    expect((await probe()).status).toBe('ok');
  });

  it('a board that hangs is failed, and one that is unplugged comes back by itself', async () => {
    await eventually(async () => (await probe()).status === 'ok', 2_000, 'ok');
    board.setFault('dead');
    // Asked for its version, a hung board does not answer before the probe's deadline.
    await eventually(
      () =>
        probe().then(
          () => false,
          (err: Error) => /board did not answer a version query|timed out/.test(err.message),
        ),
      3_000,
      'hung board failed',
    );
    board.setFault('none');
    await board.stop();
    await pair.unplug();
    await eventually(async () => (await probe()).status === 'offline', 3_000, 'offline');
    await pair.plugIn();
    await board.start();
    await eventually(async () => (await probe()).status === 'ok', 8_000, 'back by itself');
  }, 20_000);

  it('drops malformed and truncated frames (F0 79 F7 once killed the whole agent) and keeps working', async () => {
    await eventually(async () => (await probe()).metrics.light === 180, 2_000, 'a light reading');
    const hostile = [
      [0xf0, 0x79, 0xf7], // REPORT_FIRMWARE without a version: firmata-io reads past the end
      [0xf0, 0x6c, 0xf7], // an empty capability response
      [0xf0, 0x6a, 0xf7], // an empty analog mapping
      [0xf0, 0x6e, 0xf7], // a pin state response without a pin
      [0xf0, 0x71, 0xf7], // an empty string message
      [0xf0, 0xf7],
      [0xf0, 0x79, 0x02], // cut off: no END_SYSEX
      [0xe0],
      [0x90, 0x7f],
    ];
    for (let round = 0; round < 5; round += 1) for (const frame of hostile) board.sendRaw(frame);
    board.light = 640;
    await eventually(async () => (await probe()).metrics.light === 640, 3_000, 'readings after the garbage');
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(Number(health.metrics.garbledFramesPerMin)).toBeGreaterThan(0);
    await act('tally-on', { tally: 'cam-1' });
    await eventually(async () => board.digital(12) === 1, 1_000, 'still switching');
  });

  it('sets relays and tallies again after the board reset that comes with a replug, and nothing else', async () => {
    await act('relay-on', { relay: 'cam-1-power' });
    await act('tally-on', { tally: 'cam-2' });
    await eventually(async () => board.digital(7) === 1 && board.digital(13) === 1, 1_000, 'outputs on');
    for (let cycle = 0; cycle < 2; cycle += 1) {
      await board.stop();
      await pair.unplug();
      await eventually(async () => (await probe()).status === 'offline', 3_000, 'offline');
      await pair.plugIn();
      await board.start(); // a replugged Uno starts with every pin low
      expect(board.digital(7)).toBe(0);
      await eventually(async () => (await probe()).status === 'ok', 8_000, 'back');
      await eventually(
        async () => board.digital(7) === 1 && board.digital(13) === 1,
        2_000,
        `cycle ${cycle}: the relay and the tally set again`,
      );
      expect(board.digital(12)).toBe(0); // never switched on: left alone
    }
  }, 40_000);
});
