/**
 * History retention: events older than `history.retentionDays` (and devices' metric samples older
 * than `history.healthRetentionDays`, by a second Retention) are deleted from the database in
 * batches of PRUNE_BATCH rows, one statement at a time with the event loop free in between, so a
 * first run over years of events never holds the loop (or, on PostgreSQL, a lock) for long.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage } from '../../lib/timeout.ts';
import { PRUNE_BATCH, type History } from './history.ts';

const DAY_MS = 86_400_000;
/** How often it runs (and the first run, this long after a start or a takeover: never during one). */
export const PRUNE_EVERY_MS = 10 * 60_000;
export const FIRST_PRUNE_MS = 60_000;

export interface RetentionDependencies {
  /** The history pruned: the event log, or the devices' metric samples (controller/store/health-samples.ts). */
  history: Pick<History, 'prune'>;
  /** What it prunes, in its logs (default: events). */
  what?: string;
  clock: Clock;
  log: Logger;
  days: number;
  everyMs?: number;
  firstMs?: number;
}

export class Retention {
  private readonly timers: NodeJS.Timeout[] = [];
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly d: RetentionDependencies) {
    this.timers.push(setTimeout(() => void this.run(), d.firstMs ?? FIRST_PRUNE_MS));
    this.timers.push(setInterval(() => void this.run(), d.everyMs ?? PRUNE_EVERY_MS));
    for (const t of this.timers) t.unref();
  }

  /** Deletes what is past retention, batch by batch; resolves with the events deleted (one run at a time). */
  run(): Promise<number> {
    this.running ??= this.prune().finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(): Promise<number> {
    const before = this.d.clock.now() - this.d.days * DAY_MS;
    let deleted = 0;
    try {
      for (;;) {
        if (this.stopped) break;
        const n = await this.d.history.prune(before, PRUNE_BATCH);
        deleted += n;
        if (n < PRUNE_BATCH) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      const what = this.d.what ?? 'events';
      this.d.log.warn({ err: errorMessage(err), deleted, what }, `pruning ${what} failed; it is tried again at the next run`);
    }
    if (deleted > 0)
      this.d.log.info({ deleted, before, retentionDays: this.d.days }, `pruned ${this.d.what ?? 'events'} older than the retention period`);
    return deleted;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.running;
  }
}
