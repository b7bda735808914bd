/**
 * One supervised ffmpeg: started, its outputs split into lines, restarted with backoff when it
 * ends (1 s doubling to 30 s; back to 1 s after a minute of healthy progress), killed when it hangs
 * (no `-progress` block for `hangAfterMs`: SIGTERM, then SIGKILL after a grace — one SIGTERM did not
 * stop a stalled 5.1 within 10 min, reference §1.7), and a missing binary reported in words, never
 * thrown: a media watch must not take the agent down with it.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { Backoff } from '../../lib/backoff.ts';
import { LineSplitter } from './ffmpeg-output.ts';
import { OUTPUT_FDS } from './ffmpeg-args.ts';

export type FfmpegOutput = 'progress' | 'video' | 'audio' | 'stderr';

export interface FfmpegProcessDeps {
  ffmpegPath: string;
  args: readonly string[];
  /** Pictures are written to its stdin (image feeds). */
  takesStdin: boolean;
  /** No progress block for this long: ffmpeg is hung, killed and restarted. */
  hangAfterMs: number;
  /** SIGTERM's grace before SIGKILL. */
  killGraceMs?: number;
  clock: Clock;
  log: Logger;
  onLine(output: FfmpegOutput, line: string): void;
  /** The live pictures' bytes (fd 5, binary), when the args ask for them; read at once, so ffmpeg never waits on them. */
  onPictureBytes?: (chunk: Buffer) => void;
  /** A new ffmpeg runs: what the last one said is stale. */
  onStarted(): void;
  /** ffmpeg cannot run at all (not installed, not executable): words for the checks. */
  onUnavailable(reason: string): void;
}

/** Restart delays: 1 s doubling to 30 s, from 1 s again once a run was healthy for a minute. */
export class RestartSchedule {
  static readonly HEALTHY_RUN_MS = 60_000;
  private readonly backoff = new Backoff({ initialMs: 1_000, maxMs: 30_000 }, () => 1);

  /** The delay before the next start, given how long the run that ended made progress. */
  afterExit(healthyForMs: number): number {
    if (healthyForMs >= RestartSchedule.HEALTHY_RUN_MS) this.backoff.reset();
    return this.backoff.next();
  }
}

/** Words for a binary that cannot run: what a technician reads in the failed check. */
export function unavailableReason(path: string, code: string | undefined): string {
  if (code === 'ENOENT' || code === '127') return `ffmpeg not found at ${path}; install Debian's ffmpeg (apt-get install ffmpeg)`;
  return `ffmpeg at ${path} cannot run (${code ?? 'unknown error'})`;
}

const LAST_WORDS = 5;
const WATCHDOG_TICK_MS = 250;

export class FfmpegProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly schedule = new RestartSchedule();
  private startedAt = 0;
  private lastProgressAt = 0;
  private firstProgressAt: number | undefined;
  private lastWords: string[] = [];
  private stdinBusy = false;
  private unavailableLogged = false;
  /** Runs started, for tests and logs. */
  starts = 0;

  constructor(private readonly deps: FfmpegProcessDeps) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    this.spawnOne();
    this.watchdog = setInterval(() => this.checkHung(), WATCHDOG_TICK_MS);
    this.watchdog.unref();
  }

  /** A picture for ffmpeg's stdin; dropped while ffmpeg is away or still busy with the last one. */
  write(bytes: Buffer): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || this.stdinBusy) return;
    if (!stdin.write(bytes)) {
      this.stdinBusy = true;
      stdin.once('drain', () => (this.stdinBusy = false));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdog);
    await this.kill('stop');
  }

  private spawnOne(): void {
    const d = this.deps;
    this.restartTimer = undefined;
    this.startedAt = this.lastProgressAt = d.clock.now();
    this.firstProgressAt = undefined;
    this.lastWords = [];
    this.stdinBusy = false;
    this.starts += 1;
    let child: ChildProcess;
    try {
      const stdio: StdioOptions = [
        d.takesStdin ? 'pipe' : 'ignore',
        'pipe',
        'pipe',
        'pipe',
        'pipe',
        ...(d.onPictureBytes ? ['pipe' as const] : []),
      ];
      child = spawn(d.ffmpegPath, d.args, { stdio });
    } catch (err) {
      // spawn throws synchronously for some bad arguments (an empty path): the same clear failure.
      return this.ended(undefined, (err as NodeJS.ErrnoException).code ?? 'EINVAL');
    }
    this.child = child;
    let over = false;
    const end = (code: number | null, signal: NodeJS.Signals | null, error?: string): void => {
      if (over) return;
      over = true;
      if (this.child === child) this.child = undefined;
      if (error) return this.ended(undefined, error);
      this.ended({ code, signal }, code === 127 ? '127' : undefined);
    };
    child.once('error', (err: NodeJS.ErrnoException) => end(null, null, err.code ?? 'EIO'));
    child.once('exit', (code, signal) => end(code, signal));
    child.once('spawn', () => {
      this.unavailableLogged = false;
      d.log.info({ pid: child.pid, ffmpeg: d.ffmpegPath }, 'media analysis started (ffmpeg)');
      d.onStarted();
    });
    child.stdin?.on('error', () => undefined); // EPIPE when ffmpeg ends under a write: the exit says why
    this.readLines(child.stdio[OUTPUT_FDS.progress], 'progress');
    this.readLines(child.stdio[OUTPUT_FDS.videoMetadata], 'video');
    this.readLines(child.stdio[OUTPUT_FDS.audioMetadata], 'audio');
    this.readLines(child.stderr, 'stderr');
    const pictures: unknown = (child.stdio as unknown[])[OUTPUT_FDS.pictures];
    if (d.onPictureBytes && pictures instanceof Readable) {
      const take = d.onPictureBytes;
      pictures.on('error', () => undefined);
      pictures.on('data', (chunk: Buffer) => take(chunk));
    }
  }

  private readLines(stream: unknown, output: FfmpegOutput): void {
    // fds 3 and 4 are sockets (duplex): read like stdout.
    if (!(stream instanceof Readable)) return;
    const lines = new LineSplitter();
    stream.on('error', () => undefined);
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) {
        if (output === 'progress' && line.startsWith('progress=')) this.noteProgress();
        if (output === 'stderr') this.lastWords = [...this.lastWords.slice(1 - LAST_WORDS), line];
        this.deps.onLine(output, line);
      }
    });
  }

  private noteProgress(): void {
    const now = this.deps.clock.now();
    this.lastProgressAt = now;
    this.firstProgressAt ??= now;
  }

  private ended(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined, unavailable: string | undefined): void {
    const d = this.deps;
    if (this.stopping) return;
    const now = d.clock.now();
    const delay = this.schedule.afterExit(this.firstProgressAt === undefined ? 0 : now - this.firstProgressAt);
    if (unavailable) {
      const reason = unavailableReason(d.ffmpegPath, unavailable);
      d.onUnavailable(reason);
      // Once per streak at error level: a missing binary retried every 30 s must not fill the log.
      const level = this.unavailableLogged ? 'debug' : 'error';
      this.unavailableLogged = true;
      d.log[level]({ ffmpeg: d.ffmpegPath, code: unavailable, retryInMs: delay }, reason);
    } else {
      d.log.warn(
        { ...exit, ranMs: now - this.startedAt, lastWords: this.lastWords, restartInMs: delay },
        'media analysis ended (ffmpeg); restarting',
      );
    }
    this.restartTimer = setTimeout(() => this.spawnOne(), delay);
    this.restartTimer.unref();
  }

  private checkHung(): void {
    const child = this.child;
    if (!child || this.stopping) return;
    const silentMs = this.deps.clock.now() - this.lastProgressAt;
    if (silentMs <= this.deps.hangAfterMs) return;
    this.deps.log.warn({ pid: child.pid, silentMs }, 'media analysis hung (ffmpeg: no progress); killing it');
    this.lastProgressAt = this.deps.clock.now(); // one kill per hang: the exit restarts it
    void this.kill('hang');
  }

  /** SIGTERM, SIGKILL after the grace; resolves once the process has exited. */
  private kill(why: 'stop' | 'hang'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const force = setTimeout(() => {
      this.deps.log.warn({ pid: child.pid, why }, 'ffmpeg ignored SIGTERM; SIGKILL');
      child.kill('SIGKILL');
    }, this.deps.killGraceMs ?? 2_000);
    child.kill('SIGTERM');
    return exited.finally(() => clearTimeout(force));
  }
}
