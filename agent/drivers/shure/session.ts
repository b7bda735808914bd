/**
 * Requests and state for one receiver channel. The receiver answers a GET or SET with a REP of the
 * same property (or `< REP ERR >`) and also pushes REPs whenever a value changes, so: one request
 * at a time (an ERR carries no property to match on), actions before probes, every REP updates state.
 */
import type { ByteLink } from '../../../lib/byte-link.ts';
import { ShureFramer, encodeGet, encodeSet, parseMessage } from './codec.ts';
import { Props, decodeSample, type Sample } from './vocabulary.ts';

const KNOWN_PROPERTIES: ReadonlySet<string> = new Set(Object.values(Props));

export type Priority = 'action' | 'probe';

interface Request {
  text: string;
  property: string;
  /** For a SET: the value the confirming REP must carry; other REPs of the property are pushes or leftovers. */
  expect?: string;
  priority: Priority;
  resolve: (value: string) => void;
  reject: (err: Error) => void;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

export interface ChannelState {
  values: Map<string, string>;
  sample?: Sample & { at: number };
  lastHeardAt: number;
}

export class ShureSession {
  readonly state: ChannelState = { values: new Map(), lastHeardAt: 0 };
  readonly counters = { invalidMessages: 0, errReplies: 0 };
  readonly framer: ShureFramer;
  private readonly queue: Request[] = [];
  private inFlight: Request | undefined;

  constructor(private readonly s: { link: ByteLink; channel: number; answerTimeoutMs: number; now: () => number }) {
    this.framer = new ShureFramer((body) => this.onMessage(body));
    s.link.on('data', (chunk) => this.framer.push(chunk.toString('latin1')));
    s.link.on('close', () => this.reset('connection closed'));
  }

  get(property: string, o: { priority: Priority; signal?: AbortSignal; device?: boolean }): Promise<string> {
    return this.request(encodeGet(property, o.device ? undefined : this.s.channel), property, o);
  }

  set(property: string, value: string, o: { priority: Priority; signal?: AbortSignal }): Promise<string> {
    return this.request(encodeSet(property, value, this.s.channel), property, { ...o, expect: value });
  }

  /** Fire and forget: the answers arrive as pushed REPs and update the state. */
  send(text: string): void {
    this.s.link.write(Buffer.from(text, 'latin1')).catch(() => undefined);
  }

  reset(reason: string): void {
    this.framer.reset();
    const all = [...this.queue.splice(0), ...(this.inFlight ? [this.inFlight] : [])];
    this.inFlight = undefined;
    for (const r of all) {
      clearTimeout(r.timer);
      this.settle(r, new Error(reason));
    }
  }

  private request(text: string, property: string, o: { priority: Priority; signal?: AbortSignal; expect?: string }): Promise<string> {
    return new Promise((resolve, reject) => {
      if (o.signal?.aborted) return reject(o.signal.reason);
      const r: Request = {
        text,
        property,
        priority: o.priority,
        resolve,
        reject,
        settled: false,
        ...(o.expect === undefined ? {} : { expect: o.expect }),
      };
      o.signal?.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(r);
          if (i >= 0) this.queue.splice(i, 1);
          this.settle(r, o.signal!.reason instanceof Error ? o.signal!.reason : new Error('aborted'));
        },
        { once: true },
      );
      const firstProbe = o.priority === 'action' ? this.queue.findIndex((q) => q.priority === 'probe') : -1;
      if (firstProbe >= 0) this.queue.splice(firstProbe, 0, r);
      else this.queue.push(r);
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight) return;
    const r = this.queue.shift();
    if (!r) return;
    this.inFlight = r;
    r.timer = setTimeout(() => {
      if (this.inFlight !== r) return;
      this.inFlight = undefined;
      this.settle(r, new Error(`receiver did not answer "${r.text}" within ${this.s.answerTimeoutMs} ms`));
      this.pump();
    }, this.s.answerTimeoutMs);
    this.s.link.write(Buffer.from(r.text, 'latin1')).catch((err: Error) => {
      if (this.inFlight !== r) return;
      clearTimeout(r.timer);
      this.inFlight = undefined;
      this.settle(r, new Error(`write failed: ${err.message}`));
      this.pump();
    });
  }

  private onMessage(body: string): void {
    const message = parseMessage(body);
    this.state.lastHeardAt = this.s.now();
    switch (message.type) {
      case 'REP':
        if (message.channel !== undefined && message.channel !== this.s.channel && message.channel !== 0) return;
        // Only properties OnAir reads are kept: a garbled stream of made-up names must not grow the map.
        if (KNOWN_PROPERTIES.has(message.property)) this.state.values.set(message.property, message.value);
        return this.answer(message.property, message.value);
      case 'REP_ERR':
        this.counters.errReplies += 1;
        return this.answer(undefined, undefined);
      case 'SAMPLE': {
        if (message.channel !== this.s.channel) return;
        const sample = decodeSample(message.fields);
        if (sample) this.state.sample = { ...sample, at: this.s.now() };
        else this.counters.invalidMessages += 1;
        return;
      }
      default:
        this.counters.invalidMessages += 1;
    }
  }

  private answer(property: string | undefined, value: string | undefined): void {
    const r = this.inFlight;
    if (!r) return;
    if (property !== undefined && property !== r.property) return; // a pushed REP of something else
    if (property !== undefined && r.expect !== undefined && !sameValue(value!, r.expect)) return; // not yet the value we set
    clearTimeout(r.timer);
    this.inFlight = undefined;
    if (value === undefined) this.settle(r, new Error(`receiver answered REP ERR to "${r.text}" (bad format or value out of range)`));
    else this.settle(r, undefined, value);
    this.pump();
  }

  private settle(r: Request, err?: Error, value = ''): void {
    if (r.settled) return;
    r.settled = true;
    if (err) r.reject(err);
    else r.resolve(value);
  }
}

/** '030' and '30' are the same gain; 'ON' is 'ON'. */
function sameValue(a: string, b: string): boolean {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) === Number(b) : a === b;
}
