/**
 * obs-websocket 5 against the literal examples of docs/generated/protocol.md: the authentication
 * string for the documented Hello (computed independently with Python's hashlib), what the client
 * sends on that Hello, and the meaning of readings and refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { ObsSession } from '../../../agent/drivers/obs/session.ts';
import {
  explainRefusal,
  metricsOf,
  streamConfigured,
  kbps,
  skippedPercent,
  takeSteps,
  type ObsReading,
} from '../../../agent/drivers/obs/vocabulary.ts';
import { formatProgramSource, parseProgramSource } from '../../../protocols/program-source.ts';
import { obsAuthentication } from '../../../simulators/obs-studio.ts';

// [Creating an authentication string] and [Hello (OpCode 0)] examples.
const PASSWORD = 'supersecretpassword';
const HELLO = {
  op: 0,
  d: {
    obsWebSocketVersion: '5.1.0',
    rpcVersion: 1,
    authentication: { challenge: '+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY=', salt: 'lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=' },
  },
};
// base64(sha256(base64(sha256(password + salt)) + challenge)), by python3 hashlib.
const AUTHENTICATION = '1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4=';

let server: WebSocketServer | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
});

describe('obs-websocket 5 handshake', () => {
  it('the simulator checks the documented authentication string', () => {
    expect(obsAuthentication(PASSWORD, HELLO.d.authentication.salt, HELLO.d.authentication.challenge)).toBe(AUTHENTICATION);
  });

  it('the driver answers the documented Hello with that string, rpcVersion 1 and its event subscriptions, in a JSON text frame', async () => {
    server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handleProtocols: (p) => (p.has('obswebsocket.json') ? 'obswebsocket.json' : false),
    });
    await new Promise((r) => server!.once('listening', r));
    const identify = new Promise<{ text: string; binary: boolean }>((resolve) => {
      server!.on('connection', (socket) => {
        socket.send(JSON.stringify(HELLO));
        socket.on('message', (data, binary) => {
          resolve({ text: data.toString(), binary });
          socket.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
        });
      });
    });
    const session = new ObsSession({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      password: PASSWORD,
      requestTimeoutMs: 500,
    });
    await session.connect(AbortSignal.timeout(2_000));
    const sent = await identify;
    expect(sent.binary).toBe(false);
    // General 1 | Scenes 4 | Outputs 64 | Ui 1024 [enum EventSubscription]
    expect(JSON.parse(sent.text)).toEqual({
      op: 1,
      d: { rpcVersion: 1, authentication: AUTHENTICATION, eventSubscriptions: 1 + 4 + 64 + 1024 },
    });
    await session.close();
  });

  it('a request OBS never answers is settled at its deadline, and one in flight when the socket closes at once', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'obswebsocket.json' });
    await new Promise((r) => server!.once('listening', r));
    server.on('connection', (socket) => {
      socket.send(JSON.stringify({ op: 0, d: { obsWebSocketVersion: '5.1.0', rpcVersion: 1 } }));
      socket.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { op: number; d: { requestType?: string } };
        if (m.op === 1) socket.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
        if (m.d.requestType === 'GetStats') setTimeout(() => socket.terminate(), 50); // crashes mid-request
      });
    });
    const session = new ObsSession({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      password: undefined,
      requestTimeoutMs: 200,
    });
    await session.connect(AbortSignal.timeout(2_000));
    await expect(session.call('GetVersion', undefined, AbortSignal.timeout(5_000))).rejects.toThrow('GetVersion timed out after 200 ms');
    const started = Date.now();
    await expect(session.call('GetStats', undefined, AbortSignal.timeout(5_000))).rejects.toThrow(/^OBS connection closed/);
    expect(Date.now() - started).toBeLessThan(200);
    expect(session.isOpen).toBe(false);
  });
});

describe('obs vocabulary', () => {
  it('dropped frames are a rate since the previous reading; counters that restart begin a new interval', () => {
    expect(skippedPercent(0, 0)).toBe(0);
    expect(skippedPercent(30, 3_000)).toBe(1);
    expect(skippedPercent(130, 3_100, { skipped: 30, total: 3_000 })).toBe(100);
    expect(skippedPercent(130, 13_100, { skipped: 130, total: 3_100 })).toBe(0);
    expect(skippedPercent(2, 100, { skipped: 130, total: 13_100 }), 'a new stream restarts the counters').toBe(2);
  });

  it('judges dropped frames over the window’s oldest reading, and only with a second of frames', () => {
    expect(skippedPercent(3, 20, undefined, 30), 'under 30 frames: nothing to judge').toBeUndefined();
    expect(skippedPercent(3, 300, { skipped: 0, total: 0 }, 30)).toBe(1);
    const reading = (at: number, skipped: number, total: number): ObsReading => ({
      at,
      stats: {
        activeFps: 30,
        cpuUsage: 1,
        memoryUsage: 1,
        availableDiskSpace: 1024,
        averageFrameRenderTime: 1,
        renderSkippedFrames: 0,
        renderTotalFrames: total,
        outputSkippedFrames: 0,
        outputTotalFrames: total,
        webSocketSessionIncomingMessages: 0,
        webSocketSessionOutgoingMessages: 0,
      },
      stream: {
        outputActive: true,
        outputReconnecting: false,
        outputTimecode: '',
        outputDuration: 0,
        outputCongestion: 0,
        outputBytes: 0,
        outputSkippedFrames: skipped,
        outputTotalFrames: total,
      },
      record: { outputActive: false, outputPaused: false, outputTimecode: '', outputDuration: 0, outputBytes: 0 },
      service: { streamServiceType: 'rtmp_custom', streamServiceSettings: { server: 'rtmp://x', key: 'k' } },
      program: 'Cam 1',
      preview: null,
      studioMode: false,
    });
    // 60 frames dropped 5 s ago, none since: over the window it is 60 of 150, since the last probe 0.
    const oldest = reading(0, 0, 0);
    const previous = reading(4_800, 60, 144);
    const now = reading(5_000, 60, 150);
    expect(metricsOf(now, previous, oldest).streamSkippedPercent).toBe(40);
    expect(metricsOf(now, previous, previous).streamSkippedPercent, 'six frames since the last probe say nothing').toBeUndefined();
  });

  it('bitrate from two byte counts: 750,000 bytes in 1 s is 6000 kbit/s; none from one reading or a reset', () => {
    expect(kbps(1_750_000, 2_000, { bytes: 1_000_000, at: 1_000 })).toBe(6_000);
    expect(kbps(1_000, 2_000)).toBeUndefined();
    expect(kbps(10, 2_000, { bytes: 1_000_000, at: 1_000 })).toBeUndefined();
  });

  it('a stream destination is configured with a server or a named service, and a key (GetStreamServiceSettings shapes)', () => {
    expect(
      streamConfigured({ streamServiceType: 'rtmp_custom', streamServiceSettings: { server: 'rtmp://ingest.example/live', key: 'abc' } }),
    ).toBe(true);
    expect(
      streamConfigured({
        streamServiceType: 'rtmp_common',
        streamServiceSettings: { service: 'YouTube - RTMPS', server: 'auto', key: 'abc' },
      }),
    ).toBe(true);
    expect(
      streamConfigured({ streamServiceType: 'rtmp_custom', streamServiceSettings: { server: 'rtmp://ingest.example/live', key: '' } }),
      'no key',
    ).toBe(false);
    expect(streamConfigured({ streamServiceType: 'rtmp_custom', streamServiceSettings: { server: ' ' } })).toBe(false);
    expect(streamConfigured({ streamServiceType: 'rtmp_custom', streamServiceSettings: {} })).toBe(false);
  });

  it('a take is one request, or preview and transition in studio mode', () => {
    expect(takeSteps('Cam 2', 'program-scene')).toEqual([{ request: 'SetCurrentProgramScene', sceneName: 'Cam 2' }]);
    expect(takeSteps('Cam 2', 'studio-transition')).toEqual([
      { request: 'SetCurrentPreviewScene', sceneName: 'Cam 2' },
      { request: 'TriggerStudioModeTransition' },
    ]);
  });

  it('explains RequestStatus 600 and 506 and leaves the others to OBS’s comment', () => {
    expect(explainRefusal(600, { scene: 'Cam 9' })).toBe('OBS has no scene "Cam 9"');
    expect(explainRefusal(506, {})).toMatch(/^OBS is not in studio mode/);
    expect(explainRefusal(205, {})).toBeUndefined();
  });
});

describe('program sources', () => {
  it('parses OBS scenes and ATEM inputs, M/E 1 by default, and says what is wrong', () => {
    expect(parseProgramSource('scene:Cam 1')).toEqual({ kind: 'scene', scene: 'Cam 1' });
    expect(parseProgramSource('input:2')).toEqual({ kind: 'input', me: 1, input: 2 });
    expect(parseProgramSource('me:2/input:4')).toEqual({ kind: 'input', me: 2, input: 4 });
    expect(formatProgramSource({ kind: 'input', me: 2, input: 4 })).toBe('me:2/input:4');
    expect(formatProgramSource({ kind: 'input', me: 1, input: 4 })).toBe('input:4');
    expect(parseProgramSource('scene: ')).toBe('"scene: ": the scene name is empty');
    expect(parseProgramSource('me:0/input:1')).toBe('"me:0/input:1": M/E buses count from 1');
    expect(parseProgramSource('cam 1')).toMatch(/is not a program source: use scene:<name> \(OBS\) or input:<n>/);
  });
});
