/**
 * The program through OBS (issue 22), the pure parts: InputVolumeMeters -> the program's dBFS, a
 * screenshot's data URI -> bytes, the screenshot cadence on an injected clock; and the session's
 * high-volume subscription (Identify / Reidentify bits) against a WebSocket on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../lib/clock.ts';
import { SILENCE_FLOOR_DB, imageBytes, nextShotInMs, programLevels, toDbfs } from '../../../agent/drivers/obs/program-levels.ts';
import { ObsSession } from '../../../agent/drivers/obs/session.ts';

/**
 * An InputVolumeMeters event (op 5) around the item shape of ../shared/reference/media-and-alerting.md
 * §3, built from obs-websocket src/utils/Obs_VolumeMeter.cpp GetMeterData: per channel
 * [magnitude × volume, peak × volume, peak]. eventIntent 65536 = EventSubscription::InputVolumeMeters.
 */
const METERS = {
  op: 5,
  d: {
    eventType: 'InputVolumeMeters',
    eventIntent: 65536,
    eventData: {
      inputs: [
        {
          inputName: 'Mic',
          inputUuid: '6bd2ba3a-a4a2-4b52-8f6e-3b1c3ca5e1c2',
          inputLevelsMul: [
            [0.12, 0.4, 0.4],
            [0.11, 0.38, 0.38],
          ],
        },
      ],
    },
  },
};
const db = (n: number) => Math.round(n * 100) / 100;

describe('InputVolumeMeters -> the program sound', () => {
  it('reads the literal message: the post-fader peak and magnitude, in dBFS', () => {
    const levels = programLevels(METERS.d.eventData.inputs);
    expect(db(levels.peakDb)).toBe(-7.96); // 20·log10(0.40)
    expect(db(levels.magnitudeDb)).toBe(-18.42); // 20·log10(0.12)
    expect(levels.loudest).toBe('Mic');
  });

  it('is the loudest input by default, only the named ones when the options say which', () => {
    const inputs = [
      ...METERS.d.eventData.inputs,
      {
        inputName: 'Desktop Audio',
        inputLevelsMul: [
          [0.5, 0.9, 0.9],
          [0.5, 0.9, 0.9],
        ],
      },
      { inputName: 'Music bed', inputLevelsMul: [[0.05, 0.1, 0.1]] },
    ];
    expect(programLevels(inputs).loudest).toBe('Desktop Audio');
    expect(db(programLevels(inputs).peakDb)).toBe(-0.92);
    const onlyMusic = programLevels(inputs, new Set(['Music bed']));
    expect([db(onlyMusic.peakDb), onlyMusic.loudest]).toEqual([-20, 'Music bed']);
  });

  it('a muted or faded-out input reads silent (post-fader 0) whatever its input peak; no listed input is silence', () => {
    const muted = [
      {
        inputName: 'Mic',
        inputLevelsMul: [
          [0, 0, 0.4],
          [0, 0, 0.38],
        ],
      },
    ];
    expect(programLevels(muted)).toEqual({ peakDb: SILENCE_FLOOR_DB, magnitudeDb: SILENCE_FLOOR_DB, loudest: undefined });
    expect(programLevels([])).toEqual({ peakDb: SILENCE_FLOOR_DB, magnitudeDb: SILENCE_FLOOR_DB, loudest: undefined });
    // The named input is not active (OBS lists active inputs only): it makes no sound.
    expect(programLevels(METERS.d.eventData.inputs, new Set(['Host mic'])).peakDb).toBe(SILENCE_FLOOR_DB);
  });

  it('full scale is 0 dBFS; anything malformed is skipped, not thrown', () => {
    expect(programLevels([{ inputName: 'Mic', inputLevelsMul: [[0.7, 1, 1]] }]).peakDb).toBe(0);
    expect(programLevels([null, 'x', { inputName: 3 }, { inputName: 'a', inputLevelsMul: ['x', [null, 'y']] }]).peakDb).toBe(
      SILENCE_FLOOR_DB,
    );
  });

  it('converts linear multipliers with 20·log10, 0 and below clamped to the floor', () => {
    expect(toDbfs(1)).toBe(0);
    expect(toDbfs(0.1)).toBeCloseTo(-20, 10);
    expect(toDbfs(0.5)).toBeCloseTo(-6.0206, 4);
    expect(toDbfs(0)).toBe(-100);
    expect(toDbfs(1e-9)).toBe(-100); // −180 dBFS
    expect(toDbfs(Number.NaN)).toBe(-100);
  });
});

describe('screenshots', () => {
  it('decodes the data URI obs-websocket answers ("data:image/%1;base64," + bytes)', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(imageBytes(`data:image/png;base64,${png.toString('base64')}`)).toEqual(png);
    expect(imageBytes('data:image/jpg;base64,/9j/')).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(() => imageBytes('iVBORw0KGgo=')).toThrow(/not a base64 data URI/);
  });

  it('takes one a second start to start: a slow answer shortens the wait, a late one is followed at once', () => {
    const clock = new ManualClock(0);
    const waits: number[] = [];
    for (const answerMs of [120, 400, 999, 1_000, 2_500, 30]) {
      const startedAt = clock.now();
      clock.advance(answerMs);
      const wait = nextShotInMs(1_000, startedAt, clock.now());
      waits.push(wait);
      clock.advance(wait);
    }
    expect(waits).toEqual([880, 600, 1, 0, 0, 970]);
  });
});

describe('the session asks for meters only while a watch wants them', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  /** A minimal obs-websocket: records op 1 / op 3 subscriptions and answers them. */
  async function fakeObs(): Promise<{ url: string; subscriptions: number[]; sockets: WebSocket[] }> {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'obswebsocket.json' });
    await new Promise((r) => server!.once('listening', r));
    const seen = {
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      subscriptions: [] as number[],
      sockets: [] as WebSocket[],
    };
    server.on('connection', (socket) => {
      seen.sockets.push(socket);
      socket.send(JSON.stringify({ op: 0, d: { obsWebSocketVersion: '5.5.2', rpcVersion: 1 } }));
      socket.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { op: number; d: { eventSubscriptions: number } };
        if (m.op !== 1 && m.op !== 3) return;
        seen.subscriptions.push(m.op * 1_000_000 + m.d.eventSubscriptions); // op and bits in one number
        socket.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
      });
    });
    return seen;
  }
  const BASE = 1 + 4 + 64 + 1024; // General | Scenes | Outputs | Ui
  const METER_BIT = 1 << 16;

  it('re-identifies a live session with 1<<16, identifies the next connection with it, and drops it on release', async () => {
    const obs = await fakeObs();
    const session = new ObsSession({ url: obs.url, password: undefined, requestTimeoutMs: 500 });
    await session.connect(AbortSignal.timeout(2_000));
    const meters = session.want(METER_BIT, AbortSignal.timeout(2_000));
    await meters.ready;
    await session.connect(AbortSignal.timeout(2_000)); // a reconnect
    await meters.release();
    await session.close();
    expect(obs.subscriptions).toEqual([1_000_000 + BASE, 3_000_000 + BASE + METER_BIT, 1_000_000 + BASE + METER_BIT, 3_000_000 + BASE]);
  });

  it('asked while no session is up: the connect identifies with the bit at once, no re-identify', async () => {
    const obs = await fakeObs();
    const session = new ObsSession({ url: obs.url, password: undefined, requestTimeoutMs: 500 });
    const meters = session.want(METER_BIT, AbortSignal.timeout(2_000));
    await meters.ready;
    await session.connect(AbortSignal.timeout(2_000));
    await session.close();
    await meters.release(); // nothing to tell a closed session
    expect(obs.subscriptions).toEqual([1_000_000 + BASE + METER_BIT]);
  });
});
