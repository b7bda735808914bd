/**
 * Maps the stream's own time (PTS seconds) to the wall clock, so a fault is dated from when its first
 * frame would have reached us on the pipeline's quickest path, not from when a busy moment let it
 * through. Each frame the analyser tells about gives a sample `arrival − pts`; the smallest of the
 * last WINDOW_MS of samples is the pipeline's own delay (encoder, network, decoder) without the
 * waiting added by scheduling and packing (an AAC stream packs ~250 ms of audio per MPEG-TS packet
 * of ffmpeg's muxer, so most audio frames arrive late by part of that). A fault whose first frame
 * came late is then dated back by that lateness, never by more than MAX_EARLIER_MS.
 *
 * The window follows a drifting clock (a camera's clock an hour off is only an offset; one running
 * fast moves it slowly), and a jump in the stream's timestamps (its encoder restarted) starts it
 * again. O(1) amortised per frame: a monotonic queue of candidate minima.
 */

/** The minimum is taken over this much recent stream: long enough to contain a quick frame, short enough to follow drift. */
export const WINDOW_MS = 10_000;
/** A sample this far from the minimum is a timestamp jump, not lateness: the window starts again. */
export const JUMP_MS = 5_000;
/**
 * A fault is never dated earlier than this before the frame that told arrived: a bound on an estimate
 * gone wrong (a clock drifting within the window). Timestamps that step back start the window again,
 * so a restarted encoder cannot date a fault early; a stall of the analyser longer than this (seen:
 * 1.3 s at load average 18 on 2 cores) still delays a declaration by the rest.
 */
export const MAX_EARLIER_MS = 1_000;

interface Sample {
  arrival: number;
  offset: number;
}

export class StreamClock {
  /** Increasing offsets, increasing arrivals: the head is the window's minimum. */
  private readonly queue: Sample[] = [];
  private head = 0;
  private lastPts: { video?: number; audio?: number } = {};

  /** A frame of stream time `pts` (seconds), of one medium, reached us at `arrivalMs`. */
  note(pts: number, arrivalMs: number, medium: 'video' | 'audio'): void {
    if (!Number.isFinite(pts)) return;
    const offset = arrivalMs - pts * 1000;
    const min = this.minimum();
    // A medium's frames come in stream order: one earlier than the last is a new timeline, however small the step.
    const stepsBack = pts < (this.lastPts[medium] ?? -Infinity);
    this.lastPts[medium] = pts;
    if (stepsBack || (min !== undefined && Math.abs(offset - min) > JUMP_MS)) this.clear();
    // Samples at least as late as this one can never be a minimum again while this one is in the window.
    while (this.queue.length > this.head && this.queue[this.queue.length - 1]!.offset >= offset) this.queue.pop();
    this.queue.push({ arrival: arrivalMs, offset });
    while (this.queue[this.head]!.arrival < arrivalMs - WINDOW_MS) this.head += 1;
    if (this.head > 64 && this.head * 2 > this.queue.length) (this.queue.splice(0, this.head), (this.head = 0));
  }

  /**
   * When stream time `pts` reached us on the quickest path, given that the frame telling about it
   * arrived at `toldAtMs` and lies `toldAfterMs` of stream time after it (a detector that tells when
   * its own duration is reached). Without samples: the teller's arrival, less that stream time.
   */
  wallTime(pts: number, toldAtMs: number, toldAfterMs: number): number {
    const byArrival = toldAtMs - Math.max(0, toldAfterMs);
    const min = this.minimum();
    if (min === undefined || !Number.isFinite(pts)) return byArrival;
    return Math.max(byArrival - MAX_EARLIER_MS, Math.min(byArrival, pts * 1000 + min));
  }

  /** A new analyser: its stream times begin again. */
  reset(): void {
    this.clear();
    this.lastPts = {};
  }

  private clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private minimum(): number | undefined {
    return this.queue.length > this.head ? this.queue[this.head]!.offset : undefined;
  }
}
