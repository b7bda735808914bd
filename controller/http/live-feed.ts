/**
 * The console's live push: every stored event goes to every open page at once, and the fleet
 * picture follows it, coalesced (one status for a burst of changes, computed once for all pages).
 * Server-sent events [WHATWG HTML §9.2]: `event: <name>\ndata: <json>\n\n`; JSON.stringify never
 * writes a raw newline, so one data line per message. A page that stops reading is dropped, never
 * buffered without bound.
 */
import type { StatusData } from '../../protocols/schemas.ts';
import type { ControllerEvent } from '../../protocols/events.ts';

export interface LiveSink {
  /** Writes a chunk; false once the page's buffer is past the bound (it is then dropped). */
  write(chunk: string): boolean;
  end(): void;
  /** The person the page is logged in as: their pages close when their login changes. */
  user?: string;
}

export interface LiveFeedOptions {
  status(): StatusData;
  /** How long a burst of changes is gathered before one status goes out. */
  coalesceMs?: number;
  /** A comment line this often keeps proxies and the browser from closing an idle stream. */
  keepAliveMs?: number;
}

export const sseMessage = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export class LiveFeed {
  private readonly sinks = new Set<LiveSink>();
  private pending: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: LiveFeedOptions) {
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), o.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  get clients(): number {
    return this.sinks.size;
  }

  /** A new page: the picture now, then every change. Returns how to let it go. */
  add(sink: LiveSink): () => void {
    if (this.closed) {
      sink.end();
      return () => undefined;
    }
    this.sinks.add(sink);
    if (!sink.write(sseMessage('status', this.o.status()))) this.drop(sink);
    return () => void this.sinks.delete(sink);
  }

  onEvent(event: ControllerEvent): void {
    if (this.sinks.size === 0) return;
    this.broadcast(sseMessage('event', event));
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      if (this.sinks.size > 0) this.broadcast(sseMessage('status', this.o.status()));
    }, this.o.coalesceMs ?? 40);
  }

  /** Closes the pages of a person whose login was removed or changed. */
  endFor(user: string): void {
    for (const sink of this.sinks) if (sink.user === user) this.drop(sink);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.pending);
    for (const sink of this.sinks) sink.end();
    this.sinks.clear();
  }

  private broadcast(chunk: string): void {
    for (const sink of this.sinks) if (!sink.write(chunk)) this.drop(sink);
  }

  private drop(sink: LiveSink): void {
    this.sinks.delete(sink);
    sink.end();
  }
}
