export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/** Exponential backoff with full jitter on the upper half, so a fleet does not reconnect in lockstep. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const factor = this.settings.factor ?? 2;
    const ceiling = Math.min(this.settings.maxMs, this.settings.initialMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
