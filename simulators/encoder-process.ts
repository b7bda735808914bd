/**
 * One run of the simulator's ffmpeg encoder: spawned with its arguments, "running" once frames have
 * gone through its filter graph (its `-progress` blocks on stdout say `frame=` > 0), switched by filter
 * commands typed on its stdin, each answered by a "Command reply for stream N: ret:R" line on stderr,
 * and ended SIGTERM first, SIGKILL after a grace (an ffmpeg blocked on its output may ignore SIGTERM:
 * media-and-alerting.md §1.7).
 *
 * ffmpeg 5.1 reads its keyboard (here: the pipe) only while it transcodes and only once its filter
 * graph exists; a command typed before that is dropped without a reply. So commands are sent once
 * the run is `running`, never before.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { TypedEmitter } from '../lib/typed-emitter.ts';
import { commandLine, type FilterCommand } from './media-content.ts';

export interface EncoderEvents {
  /** Frames have gone through the graph: commands are heard from now on. */
  running: () => void;
  /** Output frames so far, from each -progress block. */
  progress: (frames: number) => void;
  /** The process is gone; `reason` says how (exit code or signal, the last line of its log). */
  exit: (reason: string) => void;
}

const REPLY = /^Command reply for stream \d+: ret:(-?\d+)/;
const KILL_GRACE_MS = 2_000;
const REPLY_TIMEOUT_MS = 5_000;

export class EncoderProcess extends TypedEmitter<EncoderEvents> {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly replies: Array<{ line: string; settle: (err?: Error) => void }> = [];
  private readonly lastLines: string[] = [];
  private exited = false;
  private readonly exitedPromise: Promise<void>;
  running = false;
  frames = 0;

  constructor(ffmpegPath: string, args: string[]) {
    super();
    this.child = spawn(
      ffmpegPath,
      ['-hide_banner', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1', '-stats_period', '0.5', ...args],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdin.on('error', () => undefined); // EPIPE once it has died: its exit says why
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onProgressLine(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => this.onLogLine(line));
    this.exitedPromise = new Promise((resolve) => {
      const done = (reason: string) => {
        if (this.exited) return;
        this.exited = true;
        this.running = false;
        for (const r of this.replies.splice(0)) r.settle(); // the next run starts in the state asked for
        this.emit('exit', reason);
        resolve();
      };
      this.child.once('error', (err) => done(`could not start ${ffmpegPath}: ${err.message}`));
      this.child.once('exit', (code, signal) =>
        done(`ffmpeg ${signal ? `killed by ${signal}` : `exited with code ${code}`}: ${this.lastLines.at(-1) ?? ''}`),
      );
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Types the commands on ffmpeg's keyboard; resolves once each is answered (or the run ended). */
  async send(commands: FilterCommand[]): Promise<void> {
    if (!this.running) throw new Error('the encoder is not running yet: it hears no commands');
    await Promise.all(commands.map((c) => this.sendOne(commandLine(c))));
  }

  /** SIGTERM, SIGKILL after a grace; resolves once the process is gone. */
  async terminate(): Promise<void> {
    if (this.exited) return;
    const force = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
    this.child.kill('SIGTERM');
    await this.exitedPromise;
    clearTimeout(force);
  }

  private sendOne(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new Error(`ffmpeg did not answer "${line.trim()}" within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      const settle = (err?: Error) => {
        clearTimeout(timer);
        const at = this.replies.findIndex((r) => r.settle === settle);
        if (at >= 0) this.replies.splice(at, 1);
        if (err) reject(err);
        else resolve();
      };
      this.replies.push({ line, settle });
      this.child.stdin.write(line); // one write: ffmpeg reads the rest of a command's line without waiting
    });
  }

  private onProgressLine(line: string): void {
    const frames = /^frame=\s*(\d+)/.exec(line);
    if (!frames) return;
    this.frames = Number(frames[1]);
    this.emit('progress', this.frames);
    if (this.frames > 0 && !this.running && !this.exited) {
      this.running = true;
      this.emit('running');
    }
  }

  private onLogLine(line: string): void {
    this.lastLines.push(line);
    if (this.lastLines.length > 20) this.lastLines.shift();
    const reply = REPLY.exec(line);
    if (!reply) return;
    const waiting = this.replies[0];
    if (!waiting) return;
    const ret = Number(reply[1]);
    waiting.settle(ret < 0 ? new Error(`ffmpeg refused "${waiting.line.trim()}" (ret ${ret})`) : undefined);
  }
}
