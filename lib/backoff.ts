export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/**
 * The wait before retry number `attempt` (0: the first retry): exponential, with full jitter on the
 * upper half, so a fleet does not reconnect in lockstep. A function of the attempt, for callers that
 * keep the attempt count themselves (the notification queue keeps it in the store).
 */
export function backoffDelay(settings: BackoffSettings, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxMs, settings.initialMs * (settings.factor ?? 2) ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Exponential backoff with full jitter on the upper half, so a fleet does not reconnect in lockstep. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const delay = backoffDelay(this.settings, this.attempt, this.random);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
