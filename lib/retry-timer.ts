/**
 * One pending retry at a time, with backoff. Owning the timer handle here (and clearing it on cancel)
 * is the point: a handle left set after clearTimeout once made every later retry a no-op, so a device
 * that went away while a retry was pending never came back.
 */
import { Backoff, type BackoffSettings } from './backoff.ts';

export class RetryTimer {
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;

  constructor(
    settings: BackoffSettings,
    private readonly attempt: () => void,
  ) {
    this.backoff = new Backoff(settings);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Arms the next attempt unless one is already pending. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, this.backoff.next());
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A connection that worked: the next outage starts from the shortest wait again. */
  succeeded(): void {
    this.backoff.reset();
  }
}
