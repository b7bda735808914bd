/**
 * The agent's media watch against real media: Debian's ffmpeg generates an H.264 + AAC MPEG-TS
 * stream on a loopback UDP port (testsrc2 + sine, faults scripted on its timeline with `enable=`,
 * reference media-and-alerting.md §1.10) and the watch's own ffmpeg analyses it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dgram from 'node:dgram';
import { systemClock } from '../../lib/clock.ts';
import { createMediaWatch } from '../../agent/media/media-watch.ts';
import type { ImageFeed, MediaWatch } from '../../agent/media/types.ts';
import type { ContentFault, MediaWatchConfig } from '../../protocols/media.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { cleanupAfterEach, recordingLogger, tempDir, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(r));
  return port;
}

/** Stream-time windows (seconds) of each scripted fault; outside them the picture moves and the tone plays. */
interface Script {
  black?: [number, number];
  frozen?: [number, number];
  silent?: [number, number];
}

/** A live MPEG-TS sender on loopback UDP, its faults on its timeline. */
function generator(port: number, script: Script = {}): ChildProcess {
  const between = (w: [number, number] | undefined) => (w ? `between(t,${w[0]},${w[1]})` : '0');
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-f', 'lavfi', '-i', 'sine=f=1000:r=48000'],
    // A grey fill is a picture that does not change: freezedetect's freeze (§1.10).
    ...['-vf', `drawbox=c=black:t=fill:enable='${between(script.black)}',drawbox=c=gray:t=fill:enable='${between(script.frozen)}'`],
    ...['-af', `volume=volume=0:enable='${between(script.silent)}'`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k'],
    ...['-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`],
  ];
  const child = spawn('ffmpeg', args, { stdio: 'ignore' });
  cleanup.defer(() => stopChild(child));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const config = (port: number, ffmpegPath = 'ffmpeg'): MediaWatchConfig => ({
  source: { url: `udp://127.0.0.1:${port}` },
  role: 'source',
  // Shorter than the defaults so the test is short; the rules are the same.
  picture: {
    blackForMs: 1_000,
    blackPixelThreshold: 0.1,
    blackPictureRatio: 0.98,
    frozenForMs: 1_000,
    freezeNoiseDb: -60,
    noSignalForMs: 1_500,
    mayBeDark: false,
    mayBeStill: false,
  },
  sound: { silenceBelowDb: -60, silentForMs: 1_000, clippingForMs: 1_000, maySilence: false },
  analysis: { width: 160, height: 90, fps: 5, keyframesOnly: false, ffmpegPath },
});

function watch(port: number, ffmpegPath?: string) {
  const { log, lines } = recordingLogger();
  const w = createMediaWatch({
    deviceId: 'cam-1',
    config: config(port, ffmpegPath),
    feed: { kind: 'url', url: `udp://127.0.0.1:${port}` },
    clock: systemClock,
    log,
  });
  cleanup.defer(() => w.stop());
  return { w, lines };
}

const faultsAre = (w: MediaWatch, expected: ContentFault[]) => () => JSON.stringify(w.reading().faults) === JSON.stringify(expected);
const until = (w: MediaWatch, expected: ContentFault[], what: string, ms = 20_000) => waitUntil(faultsAre(w, expected), ms, what);

/** The analysers (ffmpeg with -progress) this test process runs on a port. */
function analyserPids(port: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', `progress pipe:1 .*127.0.0.1:${port}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe.runIf(hasFfmpeg())('media watch over real media (ffmpeg, loopback UDP MPEG-TS)', () => {
  it('reports black, frozen and silent once each has lasted its duration, and clears each after', async () => {
    const port = await freeUdpPort();
    // 8 s of normal media first: room for the analyser to start on a loaded machine.
    const script: Script = { black: [8, 11], frozen: [14, 17], silent: [20, 23] };
    const started = Date.now();
    generator(port, script);
    const { w } = watch(port);
    w.start();
    await waitUntil(
      () => w.reading().metrics.frameAgeMs !== undefined && Number(w.reading().metrics.frameAgeMs) < 500 && faultsAre(w, [])(),
      20_000,
      'a moving picture',
    );

    await until(w, ['black'], 'black reported');
    // Never before the black has lasted its second (the generator's t=0 is after `started`).
    expect(Date.now() - started).toBeGreaterThanOrEqual(8_000 + 1_000);
    expect(w.reading().checks[0]).toMatchObject({
      name: 'picture',
      status: 'failed',
      detail: expect.stringMatching(/^black for \d+\.\d s$/) as unknown,
    });
    expect(w.reading().checks[1]).toMatchObject({ name: 'sound', status: 'ok' });
    await until(w, [], 'black cleared');

    await until(w, ['frozen'], 'freeze reported');
    expect(Date.now() - started).toBeGreaterThanOrEqual(14_000 + 1_000);
    expect(w.reading().checks[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^frozen for /) as unknown });
    await until(w, [], 'freeze cleared');

    await until(w, ['silent'], 'silence reported');
    expect(Date.now() - started).toBeGreaterThanOrEqual(20_000 + 1_000);
    expect(w.reading().checks[1]).toMatchObject({
      name: 'sound',
      status: 'failed',
      detail: expect.stringMatching(/^silent for /) as unknown,
    });
    expect(w.reading().checks[0]).toMatchObject({ name: 'picture', status: 'ok' });
    await until(w, [], 'silence cleared');
  });

  it('says no signal when the sender dies, and clears when it is back', async () => {
    const port = await freeUdpPort();
    const sender = generator(port);
    const { w } = watch(port);
    w.start();
    await until(w, [], 'a moving picture');
    await waitUntil(() => Number(w.reading().metrics.frameAgeMs) < 500, 20_000, 'frames arriving');
    await stopChild(sender);
    const lostAt = Date.now();
    await until(w, ['no-signal'], 'no signal');
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(1_500 - 200 - 50); // its duration, less the last analysed picture's age (5 fps here) and a timer's slack
    expect(w.reading().checks.map((c) => c.status)).toEqual(['failed', 'failed']);
    generator(port);
    await until(w, [], 'signal back');
  });

  it('an ffmpeg that is not there is a clear failed check, never a throw', async () => {
    const port = await freeUdpPort();
    const { w, lines } = watch(port, '/nonexistent/ffmpeg');
    expect(() => w.start()).not.toThrow();
    const why = "ffmpeg not found at /nonexistent/ffmpeg; install Debian's ffmpeg (apt-get install ffmpeg)";
    await waitUntil(() => w.reading().checks.every((c) => c.status === 'failed' && c.detail === why), 5_000, 'the failed checks');
    expect(w.reading().checks.map((c) => c.name)).toEqual(['picture', 'sound']);
    expect(lines.find((l) => l.msg === why)).toMatchObject({ level: 50, code: 'ENOENT' });
    await w.stop();
  });

  it('kills a hung analyser (SIGSTOP) and runs a new one', async () => {
    const port = await freeUdpPort();
    generator(port);
    const { w, lines } = watch(port);
    w.start();
    await until(w, [], 'a moving picture');
    await waitUntil(() => Number(w.reading().metrics.frameAgeMs) < 500, 20_000, 'frames arriving');
    const [hung] = analyserPids(port);
    expect(hung).toBeGreaterThan(0);
    process.kill(hung!, 'SIGSTOP');
    await until(w, ['no-signal'], 'no signal from the stopped analyser');
    // no progress for 1.5 s + 5 s margin: SIGTERM, SIGKILL after 2 s (a stopped process keeps SIGTERM pending)
    await waitUntil(() => !analyserPids(port).includes(hung!), 30_000, 'the hung analyser gone');
    await waitUntil(() => analyserPids(port).length === 1, 20_000, 'a new analyser');
    await until(w, [], 'the picture back');
    expect(lines.some((l) => l.msg === 'media analysis hung (ffmpeg: no progress); killing it' && l.pid === hung)).toBe(true);
  });
});

/** One PNG made by ffmpeg from a lavfi source (a testsrc2 moment, or black). */
function picture(dir: string, name: string, source: string): Buffer {
  const file = path.join(dir, `${name}.png`);
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', '-y', file]);
  return readFileSync(file);
}

describe.runIf(hasFfmpeg())('media watch over pictures and levels a driver takes (OBS screenshots and meters)', () => {
  it('pipes the pictures to ffmpeg: black once it lasted its duration; levels below the silence level are silent', async () => {
    const dir = tempDir();
    const moving = [picture(dir, 'a', 'testsrc2=s=320x180:d=1'), picture(dir, 'b', 'testsrc2=s=320x180:d=2,trim=start=1')];
    const black = picture(dir, 'black', 'color=c=black:s=320x180');
    let showBlack = false;
    let peakDb = -12;
    // A driver that takes five pictures a second and reads the meters as often.
    const feed: ImageFeed = {
      kind: 'images',
      format: 'png',
      subscribe(onImage, onLevels) {
        let n = 0;
        const timer = setInterval(() => {
          onImage(showBlack ? black : moving[(n += 1) % 2]!);
          onLevels(peakDb, peakDb - 6);
        }, 200);
        return () => clearInterval(timer);
      },
    };
    const { log } = recordingLogger();
    const w = createMediaWatch({
      deviceId: 'program',
      config: {
        source: { fromDriver: 'screenshots' },
        role: 'program',
        picture: { blackForMs: 1_000, frozenForMs: 1_000, noSignalForMs: 1_500 } as never,
        sound: { silentForMs: 1_000 } as never,
        analysis: {} as never,
      },
      feed,
      clock: systemClock,
      log,
    });
    cleanup.defer(() => w.stop());
    w.start();
    await until(w, [], 'the program moving, with sound');
    showBlack = true;
    const blackAt = Date.now();
    await until(w, ['black'], 'a black program');
    expect(Date.now() - blackAt).toBeGreaterThanOrEqual(1_000);
    showBlack = false;
    await until(w, [], 'the program back');
    peakDb = -70;
    await until(w, ['silent'], 'a silent program');
    expect(w.reading().checks.map((c) => [c.name, c.status])).toEqual([
      ['picture', 'ok'],
      ['sound', 'failed'],
    ]);
  });
});
