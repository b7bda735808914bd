/**
 * The tests' own watcher of a simulated stream: plain ffmpeg with its detection filters, its log read
 * line by line (NOT the agent's media code, so a shared mistake cannot hide). What it reports:
 * - `lavfi.black_start=` (blackdetect's frame metadata, printed by `metadata=mode=print` the moment a
 *   black picture starts, media-and-alerting.md §1.2), `lavfi.black_end=`;
 * - `lavfi.freezedetect.freeze_start: ` (printed live, at start + d: §1.3);
 * - `silence_start: ` (silencedetect, live at start + d: §1.4);
 * - `lavfi.astats.Overall.Peak_level=` per 0.1 s window (astats with reset=1: §1.6);
 * - ebur128's 10 Hz line with the short-term loudness `S:` (§1.5);
 * - its `-progress` frame count on stdout, to see frames flow and stop.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export { hasFfmpeg } from './processes.ts';

const ANALYSIS = [
  '[0:v]fps=5,scale=320:180,blackdetect=d=0.4:pix_th=0.10,freezedetect=n=-60dB:d=0.4,metadata=mode=print[v]',
  '[0:a]silencedetect=n=-60dB:d=1,asetnsamples=n=4800,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=Peak_level,ametadata=mode=print:key=lavfi.astats.Overall.Peak_level,ebur128[a]',
].join(';');

/** How long a reader waits for data before giving up, per input kind (µs, as ffmpeg takes it). */
const READ_TIMEOUT_US = 2_000_000;

/** The input URL with a read timeout, so the reader ends when the stream stops (§1.7, §1.8). */
export function withReadTimeout(url: string): string {
  if (url.startsWith('udp://')) return `${url}?timeout=${READ_TIMEOUT_US}&overrun_nonfatal=1&localaddr=127.0.0.1`;
  if (url.startsWith('srt://')) return `${url}?mode=caller&timeout=${READ_TIMEOUT_US}`;
  return url;
}

interface Waiter {
  pattern: RegExp;
  accept: (m: RegExpExecArray) => boolean;
  from: number;
  resolve: (m: RegExpExecArray) => void;
}

export class MediaReader {
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly lines: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly frameListeners = new Set<() => void>();
  frames = 0;
  readonly exited: Promise<number | null>;

  constructor(url: string) {
    this.child = spawn(
      'ffmpeg',
      [
        '-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.2',
        '-fflags', 'nobuffer', '-probesize', '500000', '-analyzeduration', '500000',
        '-i', withReadTimeout(url), '-filter_complex', ANALYSIS, '-map', '[v]', '-map', '[a]', '-f', 'null', '-',
      ], // prettier-ignore
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    createInterface({ input: this.child.stderr }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const frame = /^frame=\s*(\d+)/.exec(line);
      if (!frame || Number(frame[1]) === this.frames) return;
      this.frames = Number(frame[1]);
      for (const l of this.frameListeners) l();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Where the log is now: a later `waitFor(…, mark)` looks only at what comes after it. */
  mark(): number {
    return this.lines.length;
  }

  /**
   * The first log line from `from` on matching `pattern` (and `accept`, for a value: a level, a
   * loudness); rejects after `timeoutMs`.
   */
  waitFor(
    pattern: RegExp,
    timeoutMs: number,
    what: string,
    from = 0,
    accept: (m: RegExpExecArray) => boolean = () => true,
  ): Promise<RegExpExecArray> {
    for (let i = from; i < this.lines.length; i += 1) {
      const m = pattern.exec(this.lines[i]!);
      if (m && accept(m)) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { pattern, accept, from, resolve: (m) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`reader: no ${what} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-8).join('\n')}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The log lines since `from` that match `pattern`. */
  matches(pattern: RegExp, from = 0): RegExpExecArray[] {
    return this.lines.slice(from).flatMap((l) => {
      const m = pattern.exec(l);
      return m ? [m] : [];
    });
  }

  /** Resolves once `count` more frames have been decoded; rejects after `timeoutMs`. */
  waitForFrames(count: number, timeoutMs: number): Promise<void> {
    const target = this.frames + count;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.frames < target) return;
        clearTimeout(timer);
        this.frameListeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.frameListeners.delete(check);
        reject(new Error(`reader: ${this.frames} frames, not ${target}, within ${timeoutMs} ms`));
      }, timeoutMs);
      this.frameListeners.add(check);
    });
  }

  /**
   * Resolves once no frame has come for `quietMs` (the watcher's "no signal": a frame-arrival
   * watchdog, the only way to see a stream that stops without ending), or the reader has ended.
   */
  waitForNoFrames(quietMs: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let quiet: NodeJS.Timeout;
      const done = () => (clearTimeout(quiet), clearTimeout(deadline), this.frameListeners.delete(restart), resolve());
      const restart = () => {
        clearTimeout(quiet);
        quiet = setTimeout(done, quietMs);
      };
      const deadline = setTimeout(() => {
        clearTimeout(quiet);
        this.frameListeners.delete(restart);
        reject(new Error(`reader: frames kept coming for ${timeoutMs} ms (${this.frames})`));
      }, timeoutMs);
      this.frameListeners.add(restart);
      void this.exited.then(done);
      restart();
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const force = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const at = this.lines.length - 1;
    for (const w of this.waiters) {
      if (at < w.from) continue;
      const m = w.pattern.exec(line);
      if (!m || !w.accept(m)) continue;
      this.waiters.delete(w);
      w.resolve(m);
    }
  }
}

/** What the reader's log says, as patterns. */
export const SEEN = {
  blackStart: /lavfi\.black_start=(\S+)/,
  blackEnd: /lavfi\.black_end=(\S+)/,
  freezeStart: /lavfi\.freezedetect\.freeze_start: (\S+)/,
  freezeEnd: /lavfi\.freezedetect\.freeze_end: (\S+)/,
  silenceStart: /silence_start: (\S+)/,
  silenceEnd: /silence_end: (\S+)/,
  peak: /lavfi\.astats\.Overall\.Peak_level=(\S+)/,
  shortTerm: /TARGET:\S+ LUFS\s+M:\s*(\S+) S:\s*(\S+)/,
} as const;
