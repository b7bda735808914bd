/**
 * How many events happened in the last minute, from a counter that only grows (a codec's garbage
 * bytes, a camera's refusals). A health rule judges the present: a lifetime total once kept a camera
 * "degraded" for good after one burst of refused commands.
 */
export const RECENT_WINDOW_MS = 60_000;
const BUCKET_MS = 1_000;
const BUCKETS = RECENT_WINDOW_MS / BUCKET_MS;

export class RecentCount {
  private readonly counts = new Float64Array(BUCKETS);
  private readonly epochs = new Float64Array(BUCKETS).fill(-1);
  /** Our counters start at zero with the session that owns them, so everything they count is news. */
  private lastTotal = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Feed the running total; returns the events counted in the last 60 s (1 s resolution). */
  observe(total: number): number {
    const epoch = Math.floor(this.now() / BUCKET_MS);
    const added = total >= this.lastTotal ? total - this.lastTotal : total; // a counter that restarted counts from 0
    this.lastTotal = total;
    const slot = epoch % BUCKETS;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += added;
    let sum = 0;
    for (let i = 0; i < BUCKETS; i += 1) if (this.epochs[i]! > epoch - BUCKETS) sum += this.counts[i]!;
    return sum;
  }
}

/** Lifetime totals in, counts over the last minute out, each named `<total>PerMin`. */
export function perMinute<K extends string>(now: () => number = Date.now): (totals: Record<K, number>) => Record<`${K}PerMin`, number> {
  const counters = new Map<string, RecentCount>();
  return (totals) => {
    const out: Record<string, number> = {};
    for (const [name, total] of Object.entries<number>(totals)) {
      let counter = counters.get(name);
      if (!counter) counters.set(name, (counter = new RecentCount(now)));
      out[`${name}PerMin`] = counter.observe(total);
    }
    return out as Record<`${K}PerMin`, number>;
  };
}
