/**
 * Wire layer of the `atem` driver: one session with a switcher through atem-connection, which does
 * the UDP framing, acknowledgements, retransmission and the initial state dump. This adds what a
 * studio needs around it: the connection counts only once the switcher has sent its whole state
 * (`connected`), every command waits for its acknowledgement within a deadline, and a lost session
 * is seen at once (the library's own reconnect keeps running underneath).
 */
import { Atem, type AtemState } from 'atem-connection';
import { RegisterExitHandlers, ThreadedClassManager } from 'threadedclass';
import { errorMessage } from '../../../lib/timeout.ts';

// atem-connection's worker helper prints to stdout on first use unless told about exit handlers;
// the agent's stdout is JSON logs. The socket runs in-process (disableMultithreaded) anyway.
ThreadedClassManager.handleExit = RegisterExitHandlers.NO;

export interface AtemSessionOptions {
  host: string;
  port: number;
  requestTimeoutMs: number;
}

export class AtemSession {
  private atem: Atem | undefined;
  private connected = false;
  private lostReason: string | undefined;

  constructor(private readonly o: AtemSessionOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  get lastLoss(): string | undefined {
    return this.lostReason;
  }

  /** The switcher's state as it last reported it (undefined before the first full dump). */
  get state(): Readonly<AtemState> | undefined {
    return this.connected ? this.atem?.state : undefined;
  }

  /** Opens a session and waits for the switcher's whole initial state, within `signal`. */
  async connect(signal: AbortSignal): Promise<void> {
    await this.close();
    const atem = new Atem({ disableMultithreaded: true });
    this.atem = atem;
    atem.on('error', () => undefined); // state it cannot apply; the session itself goes on
    atem.on('disconnected', () => {
      if (this.atem !== atem) return;
      this.connected = false;
      this.lostReason = 'the switcher stopped answering (session lost)';
    });
    atem.on('connected', () => {
      if (this.atem !== atem) return;
      this.connected = true;
      this.lostReason = undefined;
    });
    const ready = new Promise<void>((resolve) => atem.once('connected', () => resolve()));
    try {
      await atem.connect(this.o.host, this.o.port);
      await bounded(ready, signal, `no answer from the ATEM at ${this.o.host}:${this.o.port} (UDP)`);
    } catch (err) {
      if (this.atem === atem) this.atem = undefined;
      await destroy(atem);
      throw new Error(`cannot connect to the ATEM at ${this.o.host}:${this.o.port}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Runs a library call that sends commands; resolves when the switcher acknowledged them. */
  async send(what: string, call: (atem: Atem) => Promise<void>, signal: AbortSignal): Promise<void> {
    const atem = this.atem;
    if (!atem || !this.connected) throw new Error(`the ATEM is not connected${this.lostReason ? `: ${this.lostReason}` : ''}`);
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.o.requestTimeoutMs)]);
    await bounded(call(atem), deadline, `${what}: the ATEM did not acknowledge within ${this.o.requestTimeoutMs} ms`);
  }

  /** Waits until the reported state satisfies `check` (polled: state arrives in the switcher's packets). */
  async until(check: (state: Readonly<AtemState>) => boolean, what: string, signal: AbortSignal): Promise<void> {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.o.requestTimeoutMs)]);
    for (;;) {
      const state = this.state;
      if (state && check(state)) return;
      if (deadline.aborted) throw new Error(what);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    const atem = this.atem;
    this.atem = undefined;
    this.connected = false;
    if (atem) await destroy(atem);
  }
}

async function destroy(atem: Atem): Promise<void> {
  atem.removeAllListeners();
  await atem.disconnect().catch(() => undefined);
  await atem.destroy().catch(() => undefined);
}

/** `work` or a rejection when `signal` aborts, whichever comes first; `work` is never left unhandled. */
function bounded<T>(work: Promise<T>, signal: AbortSignal, timeoutMessage: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(signal.reason instanceof Error && signal.reason.name !== 'TimeoutError' ? signal.reason : new Error(timeoutMessage));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}
