/**
 * VISCA transactions over one serial line.
 * - One message at a time waits for its first answer (ACK, error, or an inquiry's reply), so
 *   every first answer is unambiguous; inquiries get no ACK [VISCA Command/Acknowledge Protocol].
 * - At most two commands execute at once (the camera has two sockets; a third gets
 *   "command buffer full"); their completions and late errors are matched by socket number.
 * - Actions go before probes: a health poll never delays a preset recall.
 * - A caller that gives up (timeout, abort) gets its rejection at once, but the session still
 *   consumes the camera's late answer so correlation stays right.
 */
import { decodeReply, encodePacket, hexBytes, type ViscaReply } from './codec.ts';
import { errorText } from './vocabulary.ts';

export type Priority = 'action' | 'probe';

export interface SessionSettings {
  address: number;
  write: (packet: Buffer) => Promise<void>;
  /** How long the camera may take to ACK a command or answer an inquiry. */
  firstAnswerTimeoutMs: number;
}

export class ViscaError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ViscaError';
  }
}

interface Message {
  body: readonly number[];
  isInquiry: boolean;
  priority: Priority;
  completionTimeoutMs: number;
  resolve: (data: Buffer) => void;
  reject: (err: Error) => void;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

export interface SessionCounters {
  sent: number;
  unmatchedReplies: number;
  invalidReplies: number;
  errors: number;
}

export class ViscaSession {
  readonly counters: SessionCounters = { sent: 0, unmatchedReplies: 0, invalidReplies: 0, errors: 0 };
  private readonly queue: Message[] = [];
  private awaitingFirst: Message | undefined;
  private readonly executing = new Map<number, Message>();

  constructor(private readonly s: SessionSettings) {}

  /** Resolves on completion (z0 5y FF). */
  command(body: readonly number[], options: { priority: Priority; completionTimeoutMs: number; signal?: AbortSignal }): Promise<void> {
    return this.enqueue(body, false, options).then(() => undefined);
  }

  /** Resolves with the inquiry's data bytes (between z0 50 and FF). */
  inquiry(body: readonly number[], options: { priority: Priority; signal?: AbortSignal }): Promise<Buffer> {
    return this.enqueue(body, true, { ...options, completionTimeoutMs: 0 });
  }

  /** Feed every frame from the line here. */
  onFrame(frame: Buffer): void {
    const reply = decodeReply(frame);
    if (reply.kind === 'invalid') {
      this.counters.invalidReplies += 1;
      return;
    }
    if (reply.kind === 'broadcast' || reply.kind === 'network-change') return;
    if (reply.from !== this.s.address) {
      this.counters.unmatchedReplies += 1;
      return;
    }
    if (!this.matchFirstAnswer(reply) && !this.matchExecuting(reply)) this.counters.unmatchedReplies += 1;
    this.pump();
  }

  /** The line went away: everything in flight or queued fails now. */
  reset(reason: string): void {
    const all = [...this.queue.splice(0), ...(this.awaitingFirst ? [this.awaitingFirst] : []), ...this.executing.values()];
    this.awaitingFirst = undefined;
    this.executing.clear();
    for (const m of all) {
      clearTimeout(m.timer);
      this.settle(m, new ViscaError(reason));
    }
  }

  get busy(): { queued: number; executing: number } {
    return { queued: this.queue.length, executing: this.executing.size };
  }

  private enqueue(
    body: readonly number[],
    isInquiry: boolean,
    o: { priority: Priority; completionTimeoutMs: number; signal?: AbortSignal },
  ): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const message: Message = {
        body,
        isInquiry,
        priority: o.priority,
        completionTimeoutMs: o.completionTimeoutMs,
        resolve,
        reject,
        settled: false,
      };
      if (o.signal?.aborted) return reject(o.signal.reason);
      o.signal?.addEventListener(
        'abort',
        () => {
          const queued = this.queue.indexOf(message);
          if (queued >= 0) this.queue.splice(queued, 1);
          this.settle(message, o.signal!.reason instanceof Error ? o.signal!.reason : new ViscaError('aborted'));
        },
        { once: true },
      );
      // Actions overtake queued probes; order is kept within a priority.
      const index = o.priority === 'action' ? this.queue.findIndex((m) => m.priority === 'probe') : -1;
      if (index >= 0) this.queue.splice(index, 0, message);
      else this.queue.push(message);
      this.pump();
    });
  }

  private pump(): void {
    if (this.awaitingFirst) return;
    const next = this.queue.findIndex((m) => m.isInquiry || this.executing.size < 2);
    if (next < 0) return;
    const [message] = this.queue.splice(next, 1) as [Message];
    this.awaitingFirst = message;
    message.timer = setTimeout(() => {
      if (this.awaitingFirst !== message) return;
      this.awaitingFirst = undefined;
      this.settle(message, new ViscaError(`camera did not answer ${hexBytes(message.body)} within ${this.s.firstAnswerTimeoutMs} ms`));
      this.pump();
    }, this.s.firstAnswerTimeoutMs);
    this.counters.sent += 1;
    this.s.write(encodePacket(this.s.address, message.body)).catch((err: Error) => {
      if (this.awaitingFirst !== message) return;
      clearTimeout(message.timer);
      this.awaitingFirst = undefined;
      this.settle(message, new ViscaError(`write failed: ${err.message}`));
      this.pump();
    });
  }

  /** Whom a reply answers: the message waiting for its first answer, or a command executing in socket y. */
  private belongsToFirst(reply: Exclude<ViscaReply, { kind: 'invalid' | 'broadcast' | 'network-change' }>, first: Message): boolean {
    const executing = reply.socket !== 0 && this.executing.has(reply.socket);
    switch (reply.kind) {
      case 'ack':
        return true;
      case 'completion':
        return !executing; // z0 50 …: an inquiry's answer, or a command done without ACK
      case 'error':
        if (reply.socket === 0) return true; // syntax, buffer full, length: about what was just sent
        // "Not executable" (z0 6y 41) comes in place of an ACK [SRG-300H]; any other socket error is about what executes there.
        return reply.code === 0x41 ? !first.isInquiry : !executing;
    }
  }

  private matchFirstAnswer(reply: Exclude<ViscaReply, { kind: 'invalid' | 'broadcast' | 'network-change' }>): boolean {
    const message = this.awaitingFirst;
    if (!message || !this.belongsToFirst(reply, message)) return false;
    clearTimeout(message.timer);
    this.awaitingFirst = undefined;
    switch (reply.kind) {
      case 'ack':
        if (message.isInquiry) {
          this.settle(message, new ViscaError('camera acknowledged an inquiry'));
          return true;
        }
        this.releaseSocket(reply.socket);
        this.executing.set(reply.socket, message);
        message.timer = setTimeout(() => {
          if (this.executing.get(reply.socket) !== message) return;
          this.executing.delete(reply.socket);
          this.settle(message, new ViscaError(`${hexBytes(message.body)} did not complete within ${message.completionTimeoutMs} ms`));
          this.pump();
        }, message.completionTimeoutMs);
        return true;
      case 'completion':
        // An inquiry's answer, or a command that completes without ACK (IF_Clear: z0 50 FF).
        this.settle(message, undefined, reply.data);
        return true;
      case 'error':
        this.counters.errors += 1;
        this.settle(message, new ViscaError(`camera answered ${errorText(reply.code)}`, reply.code));
        return true;
    }
  }

  private matchExecuting(reply: Exclude<ViscaReply, { kind: 'invalid' | 'broadcast' | 'network-change' }>): boolean {
    if (reply.kind === 'ack') return false;
    const message = this.executing.get(reply.socket);
    if (!message) return false;
    clearTimeout(message.timer);
    this.executing.delete(reply.socket);
    if (reply.kind === 'completion') this.settle(message, undefined, reply.data);
    else {
      this.counters.errors += 1;
      this.settle(message, new ViscaError(`camera answered ${errorText(reply.code)}`, reply.code));
    }
    return true;
  }

  /**
   * The camera ACKed a new command into socket y while one was still executing there: that one's
   * completion was lost on the line (the camera only reuses a free socket), so it ends now.
   */
  private releaseSocket(socket: number): void {
    const stale = this.executing.get(socket);
    if (!stale) return;
    clearTimeout(stale.timer);
    this.executing.delete(socket);
    this.counters.unmatchedReplies += 1;
    this.settle(stale, new ViscaError(`camera reused socket ${socket} before ${hexBytes(stale.body)} completed (its completion was lost)`));
  }

  /** Answers the caller. Timers belong to the state machine, so an abort never strands a slot. */
  private settle(message: Message, err?: Error, data: Buffer = Buffer.alloc(0)): void {
    if (message.settled) return;
    message.settled = true;
    if (err) message.reject(err);
    else message.resolve(data);
  }
}
