/**
 * Where a takeover's time goes, from the moment PostgreSQL granted the lock to the new leader's first
 * announcement on controller/state (issue 20.6: kill → announced, p99 ≤ 1 s on a loaded machine).
 * Each step is milliseconds since the lock, on the monotonic clock; the whole is logged once, at the
 * announcement (`takeover timeline`), so a fault run can read it from the log.
 */
import type { Logger } from '../../lib/logger.ts';

export class TakeoverTimeline {
  private readonly steps: Record<string, number> = {};
  /** The process's CPU (user + system, ms) since the lock at each step: on a loaded machine each slice of it costs a wait for the others' turns. */
  private readonly cpu: Record<string, number> = {};
  private readonly cpuAtLock = process.cpuUsage();
  private said = false;

  constructor(
    private readonly log: Logger,
    /** performance.now() when the lock's query answered yes. */
    private readonly lockedAt: number,
    /** How long the winning lock query took (sent → answered). */
    lockQueryMs: number,
  ) {
    this.steps.lockQuery = Math.round(lockQueryMs);
  }

  mark(step: string): void {
    if (this.said) return;
    this.steps[step] = Math.round(performance.now() - this.lockedAt);
    const used = process.cpuUsage(this.cpuAtLock);
    this.cpu[step] = Math.round((used.user + used.system) / 1_000);
  }

  /** The announcement went out: log the steps once. */
  announced(term: number): void {
    if (this.said) return;
    this.mark('announced');
    this.said = true;
    // The lock's moment on the wall clock too: a fault run compares it with the moment it killed the last leader.
    const lockedAtWall = Math.round(Date.now() - (performance.now() - this.lockedAt));
    this.log.info({ term, lockedAtWall, steps: this.steps, cpu: this.cpu }, 'takeover timeline');
  }
}
