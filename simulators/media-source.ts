/**
 * A live encoded stream for the tests, the demo and by-hand trials: H.264 + AAC in MPEG-TS made by
 * Debian's ffmpeg (a child process: simulators/encoder-process.ts), whose content switches on command
 * while it runs (simulators/media-content.ts says how), sent as a camera or an encoder sends it:
 * - `udp`: MPEG-TS to 127.0.0.1:port (the watcher listens there);
 * - `srt`: an SRT listener on 127.0.0.1 (one caller at a time, as ffmpeg's listener takes; when the
 *   caller leaves, ffmpeg ends and the simulator starts it again, listening);
 * - `hls`: 1 s segments with EXT-X-PROGRAM-DATE-TIME, served over HTTP by an HlsPlatformSimulator
 *   (its `stall`, `setBehind` and `setLateSegments` are the platform's quirks).
 *
 * Switching the picture or the sound changes filter settings inside the running encoder: the stream
 * goes on, frame after frame, so no watcher sees a gap. `no-signal` stops the encoder (nothing is
 * sent); any other content starts it again. An encoder that dies is restarted with backoff, in the
 * content it was last asked for. `stop()` ends it and leaves no process behind.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backoff } from '../lib/backoff.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';
import { EncoderProcess } from './encoder-process.ts';
import { HlsPlatformSimulator } from './hls-platform.ts';
import {
  NORMAL_CONTENT,
  applyContent,
  commandsBetween,
  encoderArgs,
  type ContentState,
  type SourceContent,
  type StreamSize,
} from './media-content.ts';

export type MediaTransport =
  { kind: 'udp'; port: number } | { kind: 'srt'; port?: number } | { kind: 'hls'; port?: number; windowSegments?: number };

export interface MediaSourceOptions {
  transport: MediaTransport;
  /** 640x360 ('substream', the default: cheap) or 1920x1080 ('main'). */
  size?: StreamSize;
  /** The content it starts with (default normal). */
  content?: SourceContent;
  /** A quirk of real gear: the stream begins this long after start() (default 0). */
  startDelayMs?: number;
  ffmpegPath?: string;
  /** Names it in the log lines. */
  name?: string;
  log?: Logger;
}

export interface MediaSourceEvents {
  /** An encoder process started (for SRT: listening for its caller from about now). */
  spawned: (pid: number) => void;
  /** An encoder run began producing frames (the first one, and each restart). */
  running: (pid: number) => void;
  /** An encoder run ended; `expected` is false when it died on its own. */
  exit: (reason: string, expected: boolean) => void;
}

/** A run that lasted this long was healthy: the next restart starts the backoff again. */
const HEALTHY_RUN_MS = 5_000;

export class MediaSourceSimulator extends TypedEmitter<MediaSourceEvents> {
  private readonly o: Required<Omit<MediaSourceOptions, 'log' | 'content'>>;
  private readonly log: Logger;
  private state: ContentState;
  /** What the running encoder's graph shows, once the commands sent to it are applied. */
  private graphState: ContentState = NORMAL_CONTENT;
  private encoder: EncoderProcess | undefined;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff({ initialMs: 250, maxMs: 5_000 });
  private started = false;
  private spawning = false;
  /** The encoder being ended on purpose (no signal, stop): its exit is no failure. */
  private ending: EncoderProcess | undefined;
  private stopped = false;
  private port = 0;
  private hlsDir: string | undefined;
  /** The platform serving the HLS transport (undefined for udp and srt). */
  platform: HlsPlatformSimulator | undefined;
  /** Restarts after the encoder died on its own. */
  restarts = 0;
  /** Every encoder process this simulator started, for checking none is left. */
  readonly pids: number[] = [];
  /** Why the last run ended, when it ended on its own (e.g. ffmpeg missing). */
  lastExit: string | undefined;

  constructor(options: MediaSourceOptions) {
    super();
    this.o = { size: 'substream', startDelayMs: 0, ffmpegPath: 'ffmpeg', name: 'media-source', ...options };
    this.log = (options.log ?? silentLogger()).child({ device: this.o.name });
    this.state = applyContent(NORMAL_CONTENT, options.content ?? 'normal');
  }

  /** What a watcher opens: udp://, srt:// (caller) or the HLS playlist's http:// URL. */
  get url(): string {
    const t = this.o.transport;
    if (t.kind === 'hls') return this.platform?.url ?? 'http://127.0.0.1:0/live.m3u8';
    if (t.kind === 'udp') return `udp://127.0.0.1:${t.port}`;
    return `srt://127.0.0.1:${this.port}`;
  }

  get content(): ContentState {
    return this.state;
  }

  /** The encoder's pid while one runs. */
  get pid(): number | undefined {
    return this.encoder?.alive ? this.encoder.pid : undefined;
  }

  get running(): boolean {
    return this.encoder?.running ?? false;
  }

  /** Sets up the transport (ports, the HLS server) and starts the encoder, after `startDelayMs`. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const t = this.o.transport;
    if (t.kind === 'srt') this.port = t.port ?? (await freeUdpPort());
    if (t.kind === 'hls') {
      this.hlsDir = mkdtempSync(path.join(os.tmpdir(), 'onair-hls-'));
      this.platform = new HlsPlatformSimulator({ dir: this.hlsDir, log: this.log, windowSegments: t.windowSegments ?? 6 });
      await this.platform.listen(t.port ?? 0);
    }
    this.log.info({ event: 'media-source-start', url: this.url, size: this.o.size }, 'media source starting');
    this.schedule(this.o.startDelayMs);
  }

  /**
   * Switches what the stream shows (see applyContent: a picture fault keeps the sound, `normal` restores
   * both). Resolves once the running encoder has applied it; with no encoder running (not started,
   * no signal, restarting) at once: the next run starts in this content.
   */
  async setContent(content: SourceContent): Promise<void> {
    this.state = applyContent(this.state, content);
    this.log.info({ event: 'media-content', content, state: this.state }, `media content: ${content}`);
    if (!this.state.signal) return this.stopEncoder();
    if (!this.started || this.stopped) return;
    if (!this.encoder) return this.schedule(0);
    if (this.encoder.running && this.ending !== this.encoder) await this.sync(this.encoder);
  }

  /** Resolves once an encoder is producing frames (the stream is on), or rejects after `timeoutMs`. */
  whenRunning(timeoutMs: number): Promise<void> {
    if (this.running) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => (off(), reject(new Error(`${this.o.name}: no frames within ${timeoutMs} ms (${this.lastExit ?? 'no exit'})`))),
        timeoutMs,
      );
      const off = this.on('running', () => (clearTimeout(timer), off(), resolve()));
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.stopEncoder();
    await this.platform?.stop();
    if (this.hlsDir) rmSync(this.hlsDir, { recursive: true, force: true });
    this.log.info({ event: 'media-source-stop' }, 'media source stopped');
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.spawn(), delayMs);
  }

  private async spawn(): Promise<void> {
    if (this.spawning || this.stopped || this.encoder || !this.state.signal) return;
    this.spawning = true;
    const output = await this.outputArgs().finally(() => (this.spawning = false));
    if (this.stopped || this.encoder || !this.state.signal) return; // stopped or switched off meanwhile
    const encoder = new EncoderProcess(this.o.ffmpegPath, [...encoderArgs(this.o.size, this.state), ...output]);
    this.encoder = encoder;
    this.graphState = this.state;
    this.startedAt = performance.now();
    if (encoder.pid) this.pids.push(encoder.pid);
    this.emit('spawned', encoder.pid ?? 0);
    encoder.on('running', () => {
      this.log.info({ event: 'media-encoder-running', pid: encoder.pid }, 'encoder running');
      void this.sync(encoder).catch((err: Error) => this.log.warn({ event: 'media-command-failed', err: err.message }, err.message));
      this.emit('running', encoder.pid ?? 0);
    });
    encoder.on('exit', (reason) => this.onExit(encoder, reason));
  }

  /** Brings the running graph to the content asked for: only the commands for what differs. */
  private async sync(encoder: EncoderProcess): Promise<void> {
    const commands = commandsBetween(this.graphState, this.state);
    this.graphState = this.state;
    if (commands.length > 0) await encoder.send(commands);
  }

  private onExit(encoder: EncoderProcess, reason: string): void {
    if (this.encoder !== encoder) return;
    this.encoder = undefined;
    const asked = this.stopped || this.ending === encoder;
    this.emit('exit', reason, asked);
    if (this.stopped || !this.state.signal) return;
    if (asked) return this.schedule(0); // switched off and on again while it was ending
    this.lastExit = reason;
    if (performance.now() - this.startedAt >= HEALTHY_RUN_MS) this.backoff.reset();
    const delay = this.backoff.next();
    this.restarts += 1;
    this.log.warn({ event: 'media-encoder-exit', reason, restartInMs: delay }, `encoder ended (${reason}); restarting`);
    this.schedule(delay);
  }

  private async stopEncoder(): Promise<void> {
    clearTimeout(this.timer);
    const encoder = this.encoder;
    if (!encoder) return;
    this.ending = encoder;
    await encoder.terminate();
  }

  private async outputArgs(): Promise<string[]> {
    const t = this.o.transport;
    if (t.kind === 'udp') return ['-f', 'mpegts', `udp://127.0.0.1:${t.port}?pkt_size=1316`];
    if (t.kind === 'srt') return ['-f', 'mpegts', `srt://127.0.0.1:${this.port}?mode=listener`];
    // A restart continues the media sequence (and says the timestamps restart), as a platform's packager does.
    const previous = await this.platform!.currentPlaylist();
    const next = previous ? previous.mediaSequence + previous.segments.length : 0;
    const flags = ['delete_segments', 'program_date_time', 'omit_endlist', 'temp_file', ...(previous ? ['discont_start'] : [])];
    return [
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_list_size',
      '30',
      '-hls_flags',
      flags.join('+'),
      '-start_number',
      String(next),
      '-hls_segment_filename',
      path.join(this.hlsDir!, 'seg-%d.ts'),
      path.join(this.hlsDir!, 'live.m3u8'),
    ];
  }
}

/** A UDP port free on loopback now (SRT runs over UDP): bound, read, released. */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
