/**
 * Writes the decisions depend on, kept in memory while the disk refuses them (full, read-only,
 * failing) and written in order once it takes them again. Failover never waits for the disk: a full
 * disk once threw out of the health handler and nothing failed over.
 * State writes are keyed (only the latest of a row matters); events are appended, bounded, and those
 * dropped past the bound are counted.
 */
import { SqliteError } from 'better-sqlite3';

export interface WriteBehindHooks {
  /** The disk refused a write: the first time after it last worked. */
  onTrouble: (err: Error) => void;
  /** Everything held has been written. */
  onRecovered: (written: number) => void;
}

/** Only the database's own failures are held; anything else is a bug and is thrown. */
export const isStorageError = (err: unknown): err is Error => err instanceof SqliteError;

export class WriteBehind<E> {
  private readonly state = new Map<string, () => void>();
  private readonly events: E[] = [];
  private troubled = false;
  dropped = 0;
  lastError: string | undefined;

  constructor(
    private readonly writeEvent: (event: E) => void,
    private readonly transaction: (work: () => void) => void,
    private readonly hooks: WriteBehindHooks,
    private readonly maxEvents = 50_000,
  ) {}

  get pending(): { events: number; writes: number } {
    return { events: this.events.length, writes: this.state.size };
  }

  /** Held events, oldest first (reads merge them with what is on disk). */
  heldEvents(): readonly E[] {
    return this.events;
  }

  /** A row write: done now, or held (replacing an older held write of the same row). */
  write(key: string, work: () => void): void {
    if (this.troubled) return void this.hold(key, work);
    try {
      work();
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.hold(key, work);
      this.trouble(err);
    }
  }

  append(event: E): void {
    if (this.troubled) return this.holdEvent(event);
    try {
      this.writeEvent(event);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.holdEvent(event);
      this.trouble(err);
    }
  }

  /** Tries to write everything held, in one transaction; true when nothing is held any more. */
  flush(): boolean {
    if (!this.troubled) return true;
    const written = this.state.size + this.events.length;
    try {
      this.transaction(() => {
        for (const work of this.state.values()) work();
        for (const event of this.events) this.writeEvent(event);
      });
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.lastError = err.message;
      return false;
    }
    this.state.clear();
    this.events.length = 0;
    this.troubled = false;
    this.lastError = undefined;
    this.hooks.onRecovered(written);
    return true;
  }

  private hold(key: string, work: () => void): void {
    this.state.delete(key);
    this.state.set(key, work);
  }

  private holdEvent(event: E): void {
    this.events.push(event);
    if (this.events.length > this.maxEvents) {
      this.events.shift();
      this.dropped += 1;
    }
  }

  private trouble(err: Error): void {
    this.lastError = err.message;
    if (this.troubled) return;
    this.troubled = true;
    this.hooks.onTrouble(err);
  }
}
