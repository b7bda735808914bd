/**
 * Wire layer of the `obs` driver: one obs-websocket 5 session through obs-websocket-js. The library
 * does the framing, the Hello/Identify handshake and the SHA-256 challenge; this adds what a studio
 * needs around it: every request has a deadline and is settled when the socket closes (the library
 * leaves a request unanswered forever when the connection drops), and a close is seen at once.
 *
 * obs-websocket 5 protocol (docs/generated/protocol.md): OpCodes Hello 0, Identify 1, Identified 2,
 * Event 5, Request 6, RequestResponse 7; a password makes Hello carry {challenge, salt} and a wrong
 * answer closes the socket with 4009 AuthenticationFailed.
 */
// The JSON flavour (subprotocol obswebsocket.json, text frames): the package's default import in
// Node is MessagePack, which OBS also speaks but which no capture or log shows readably.
import {
  EventSubscription,
  OBSWebSocket,
  OBSWebSocketError,
  type OBSEventTypes,
  type OBSRequestTypes,
  type OBSResponseTypes,
} from 'obs-websocket-js/json';
import { TimeoutError, errorMessage } from '../../../lib/timeout.ts';

/** Close codes of obs-websocket 5 (WebSocketCloseCode enum) a technician needs explained. */
const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4009: 'the obs-websocket password was refused (AuthenticationFailed)',
  4010: 'this OBS speaks another obs-websocket RPC version (UnsupportedRpcVersion): OnAir needs obs-websocket 5 (OBS 28 or later)',
  4011: 'OBS ended the session (SessionInvalidated: kicked from the WebSocket session list)',
};

/** Events OnAir listens to: scenes (program/preview), outputs (stream/record state), UI (studio mode). */
export const EVENT_SUBSCRIPTIONS = EventSubscription.General | EventSubscription.Scenes | EventSubscription.Outputs | EventSubscription.Ui;
export { EventSubscription };

export interface ObsSessionOptions {
  url: string;
  password: string | undefined;
  requestTimeoutMs: number;
}

type EventName = keyof OBSEventTypes;

export class ObsSession {
  private socket: OBSWebSocket | undefined;
  private open = false;
  private closedReason: string | undefined;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly listeners: Array<{ event: EventName; handler: (data: never) => void }> = [];
  /** High-volume event bits (InputVolumeMeters) asked for, and by how many: OBS runs its meters only while someone asks. */
  private readonly wanted = new Map<number, number>();
  /** The subscriptions this connection identified with. */
  private identifiedWith = EVENT_SUBSCRIPTIONS;

  constructor(private readonly o: ObsSessionOptions) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Why the last connection ended, for the health detail. */
  get lastCloseReason(): string | undefined {
    return this.closedReason;
  }

  /** Listens to an event on every connection, this one and the next. */
  on<E extends EventName>(event: E, handler: (data: OBSEventTypes[E]) => void): void {
    this.listeners.push({ event, handler: handler as (data: never) => void });
    this.socket?.on(event, handler as never);
  }

  off<E extends EventName>(event: E, handler: (data: OBSEventTypes[E]) => void): void {
    const at = this.listeners.findIndex((l) => l.event === event && l.handler === (handler as (data: never) => void));
    if (at >= 0) this.listeners.splice(at, 1);
    this.socket?.off(event, handler as never);
  }

  /** What this session subscribes to: OnAir's categories and the high-volume events someone wants now. */
  get eventSubscriptions(): number {
    let bits = EVENT_SUBSCRIPTIONS;
    for (const [bit, count] of this.wanted) if (count > 0) bits |= bit;
    return bits;
  }

  /**
   * Asks for a high-volume event (e.g. EventSubscription.InputVolumeMeters) until `release`. A live
   * session re-identifies at once (op 3, Reidentify) and every later connection identifies with it,
   * so meters survive a reconnect; nobody asking means OBS need not run its meter thread nor send 20
   * messages a second. `ready` settles when OBS has confirmed (at once when no session is up: the
   * next connect asks) and rejects when the re-identify failed.
   */
  want(bit: number, signal: AbortSignal): { ready: Promise<void>; release: () => Promise<void> } {
    this.wanted.set(bit, (this.wanted.get(bit) ?? 0) + 1);
    let released = false;
    return {
      ready: this.resubscribe(signal),
      release: async () => {
        if (released) return;
        released = true;
        this.wanted.set(bit, (this.wanted.get(bit) ?? 1) - 1);
        await this.resubscribe(AbortSignal.timeout(this.o.requestTimeoutMs));
      },
    };
  }

  /** Re-identifies when what is wanted differs from what this connection identified with. */
  private async resubscribe(signal: AbortSignal): Promise<void> {
    const socket = this.socket;
    const bits = this.eventSubscriptions;
    if (!socket || !this.open || bits === this.identifiedWith) return;
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.o.requestTimeoutMs)]);
    await this.bounded('Reidentify', deadline, socket.reidentify({ eventSubscriptions: bits }));
    if (this.socket === socket) this.identifiedWith = bits;
  }

  /** Connects and identifies; `onClose` learns of every later loss. Throws with the server's reason. */
  async connect(signal: AbortSignal): Promise<void> {
    await this.close();
    const socket = new OBSWebSocket();
    this.socket = socket;
    for (const { event, handler } of this.listeners) socket.on(event, handler as never);
    socket.on('ConnectionClosed', (err) => {
      if (this.socket !== socket) return;
      this.open = false;
      this.closedReason =
        CLOSE_REASONS[err.code] ?? `connection closed${err.code > 0 ? ` (${err.code}${err.message ? `: ${err.message}` : ''})` : ''}`;
      this.failPending(new Error(`OBS ${this.closedReason}`));
    });
    socket.on('ConnectionError', () => undefined); // followed by ConnectionClosed, which tells it
    const subscriptions = this.eventSubscriptions;
    try {
      await this.bounded(
        'connecting to OBS',
        signal,
        socket.connect(this.o.url, this.o.password, { rpcVersion: 1, eventSubscriptions: subscriptions }),
      );
    } catch (err) {
      if (this.socket === socket) this.socket = undefined;
      void socket.disconnect().catch(() => undefined);
      if (err instanceof OBSWebSocketError && CLOSE_REASONS[err.code])
        throw new Error(`OBS refused the connection: ${CLOSE_REASONS[err.code]}`, { cause: err });
      throw new Error(`cannot connect to OBS at ${this.o.url}: ${describe(err)}`, { cause: err });
    }
    this.open = true;
    this.closedReason = undefined;
    this.identifiedWith = subscriptions;
    await this.resubscribe(signal); // someone asked while this connection was being made
  }

  /** One request with its deadline (the shorter of requestTimeoutMs and `signal`); a refusal carries obs-websocket's status code. */
  async call<T extends keyof OBSRequestTypes>(
    type: T,
    data: OBSRequestTypes[T] | undefined,
    signal: AbortSignal,
  ): Promise<OBSResponseTypes[T]> {
    const socket = this.socket;
    if (!socket || !this.open) throw new Error(`OBS is not connected${this.closedReason ? `: ${this.closedReason}` : ''}`);
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.o.requestTimeoutMs)]);
    return this.bounded(`${type}`, deadline, (socket.call as (t: T, d?: OBSRequestTypes[T]) => Promise<OBSResponseTypes[T]>)(type, data));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.open = false;
    this.failPending(new Error('OBS connection closed'));
    if (socket) await socket.disconnect().catch(() => undefined);
  }

  /** Settles `work` by `signal` or by a close of the connection, whichever comes first. */
  private bounded<T>(what: string, signal: AbortSignal, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const onAbort = (): void => {
        fail(
          signal.reason instanceof Error && signal.reason.name !== 'TimeoutError'
            ? signal.reason
            : new TimeoutError(what, this.o.requestTimeoutMs),
        );
      };
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(fail);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.add(fail);
      work.then(
        (value) => (cleanup(), resolve(value)),
        (err: unknown) =>
          fail(err instanceof OBSWebSocketError ? new ObsRequestError(what, err.code, err.message) : new Error(describe(err))),
      );
    });
  }

  private failPending(err: Error): void {
    for (const fail of [...this.pending]) fail(err);
  }
}

/** obs-websocket refused a request: its RequestStatus code (e.g. 501 OutputNotRunning) and comment. */
export class ObsRequestError extends Error {
  constructor(
    readonly request: string,
    readonly code: number,
    comment: string,
  ) {
    super(`${request} refused by OBS (code ${code}${comment ? `: ${comment}` : ''})`);
    this.name = 'ObsRequestError';
  }
}

function describe(err: unknown): string {
  if (err instanceof OBSWebSocketError) return err.message || `code ${err.code}`;
  return errorMessage(err);
}
