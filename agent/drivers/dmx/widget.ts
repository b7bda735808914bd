/**
 * One Enttec DMX USB Pro, shared by every fixture device patched on its universe.
 * - DMX output (label 6) is sent at once, never queued behind RDM: a scene change is an action.
 * - One RDM transaction at a time: the widget answers each with label 5 (the reply) or label 12
 *   (no reply from the fixture) and must not get the next request before that [OLA usbpro].
 * - Widget requests (label 3 parameters, label 10 serial number) are answered by the same label,
 *   with nothing to tell two answers apart: fixtures that ask while one is on its way share it.
 */
import type { Logger } from '../../../lib/logger.ts';
import { SerialLink } from '../../../lib/serial/serial-link.ts';
import type { KeptState } from '../../kept-state.ts';
import { UniverseLevels } from './universe.ts';
import {
  Label,
  WidgetFramer,
  decodeParameters,
  decodeSerialNumber,
  encodeDmx,
  encodeMessage,
  type WidgetMessage,
  type WidgetParameters,
} from './widget-codec.ts';
import { decodePacket, encodeRequest, formatUid, type RdmResponse } from './rdm.ts';

/** Our RDM controller UID, from ESTA's prototype range 7FF0-7FFF. */
export const CONTROLLER_UID = Buffer.from([0x7f, 0xf0, 0x00, 0x00, 0x00, 0x01]);

export class RdmTimeout extends Error {
  override name = 'RdmTimeout';
}

interface Pending<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  promise: Promise<T>;
}

interface RdmJob {
  destination: Buffer;
  commandClass: number;
  pid: number;
  data?: Uint8Array;
  resolve: (r: RdmResponse) => void;
  reject: (e: Error) => void;
}

export class EnttecWidget {
  /**
   * The widget on `path`, shared by every fixture of this agent on it for the agent's life (with the
   * levels set on its universe); its port is open while any fixture uses it.
   */
  static acquire(state: KeptState, path: string, log: Logger, answerTimeoutMs: number): EnttecWidget {
    const widget = state.shared(`dmx-widget:${path}`, () => new EnttecWidget(path, log, answerTimeoutMs, new UniverseLevels(state, path)));
    widget.users += 1;
    return widget;
  }

  readonly link: SerialLink;
  readonly framer: WidgetFramer;
  readonly counters = { rdmTimeouts: 0, rdmInvalid: 0, receiveErrors: 0 };
  private users = 0;
  private dmxScheduled = false;
  private readonly widgetRequests = new Map<number, Pending<Buffer>>();
  private readonly rdmQueue: RdmJob[] = [];
  private rdmInFlight: (RdmJob & { transaction: number; timer: NodeJS.Timeout }) | undefined;
  private transaction = 0;

  private constructor(
    readonly path: string,
    private readonly log: Logger,
    private readonly answerTimeoutMs: number,
    private readonly universe: UniverseLevels,
  ) {
    // A USB device: the baud rate is not used on the wire, but the FTDI driver wants one.
    this.link = new SerialLink({ path, baudRate: 57600, log });
    this.framer = new WidgetFramer((m) => this.onMessage(m));
    this.link.on('data', (chunk) => this.framer.push(chunk));
    // Back after an unplug or a reconnect: the levels set before, again (and nothing if none were set).
    this.link.on('open', () => this.flushDmx());
    this.link.on('close', () => this.failAll(`widget ${path} disconnected`));
  }

  /** A fixture stops using the widget; the last one closes its port (the levels stay with the agent). */
  async release(): Promise<void> {
    if (this.users === 0 || --this.users > 0) return;
    this.failAll('widget closed');
    await this.link.close();
  }

  /** Sets slots (1-based address) and sends the universe on the next tick, coalescing changes. */
  setChannels(address: number, levels: readonly number[]): void {
    this.universe.set(address, levels);
    if (this.dmxScheduled) return;
    this.dmxScheduled = true;
    setImmediate(() => this.flushDmx());
  }

  channels(address: number, count: number): number[] {
    return this.universe.channels(address, count);
  }

  async parameters(): Promise<WidgetParameters> {
    return decodeParameters(await this.widgetRequest(Label.getParameters, Buffer.from([0, 0])));
  }

  async serialNumber(): Promise<string> {
    return decodeSerialNumber(await this.widgetRequest(Label.getSerialNumber));
  }

  rdm(destination: Buffer, commandClass: number, pid: number, data?: Uint8Array): Promise<RdmResponse> {
    return new Promise((resolve, reject) => {
      this.rdmQueue.push({ destination, commandClass, pid, ...(data ? { data } : {}), resolve, reject });
      this.pumpRdm();
    });
  }

  private flushDmx(): void {
    this.dmxScheduled = false;
    if (this.link.isOpen && this.universe.hasLevels)
      this.link
        .write(encodeDmx(this.universe.slots))
        .catch((err: Error) => this.log.warn({ port: this.path, err: err.message }, 'sending DMX failed'));
  }

  /** Label 3 and 10 carry no arguments that differ between askers, so one answer serves everyone waiting. */
  private widgetRequest(label: number, data?: Buffer): Promise<Buffer> {
    const waiting = this.widgetRequests.get(label);
    if (waiting) return waiting.promise;
    let resolve!: (v: Buffer) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<Buffer>((res, rej) => ((resolve = res), (reject = rej)));
    const timer = setTimeout(() => {
      this.widgetRequests.delete(label);
      reject(new Error(`widget did not answer label ${label} within ${this.answerTimeoutMs} ms`));
    }, this.answerTimeoutMs);
    this.widgetRequests.set(label, { resolve, reject, timer, promise });
    this.link.write(encodeMessage(label, data)).catch((err: Error) => {
      clearTimeout(timer);
      this.widgetRequests.delete(label);
      reject(err);
    });
    return promise;
  }

  private pumpRdm(): void {
    if (this.rdmInFlight) return;
    const job = this.rdmQueue.shift();
    if (!job) return;
    this.transaction = (this.transaction + 1) & 0xff;
    const transaction = this.transaction;
    const timer = setTimeout(
      () => this.finishRdm(new Error(`widget gave neither an RDM reply nor a timeout within ${this.answerTimeoutMs} ms`)),
      this.answerTimeoutMs,
    );
    this.rdmInFlight = { ...job, transaction, timer };
    const packet = encodeRequest({
      destination: job.destination,
      source: CONTROLLER_UID,
      transaction,
      port: 1,
      commandClass: job.commandClass,
      pid: job.pid,
      ...(job.data ? { data: job.data } : {}),
    });
    this.link.write(encodeMessage(Label.sendRdm, packet)).catch((err: Error) => this.finishRdm(err));
  }

  private finishRdm(err: Error | undefined, response?: RdmResponse): void {
    const job = this.rdmInFlight;
    if (!job) return;
    clearTimeout(job.timer);
    this.rdmInFlight = undefined;
    if (err) job.reject(err);
    else job.resolve(response!);
    this.pumpRdm();
  }

  private onMessage(m: WidgetMessage): void {
    const waiting = this.widgetRequests.get(m.label);
    if (waiting && (m.label === Label.getParameters || m.label === Label.getSerialNumber)) {
      clearTimeout(waiting.timer);
      this.widgetRequests.delete(m.label);
      return waiting.resolve(m.data);
    }
    if (m.label === Label.rdmTimeout) {
      this.counters.rdmTimeouts += 1;
      const uid = this.rdmInFlight ? formatUid(this.rdmInFlight.destination) : '?';
      return this.finishRdm(new RdmTimeout(`no RDM reply from fixture ${uid} (widget label 12)`));
    }
    if (m.label === Label.receivedPacket) return this.onReceived(m.data);
  }

  /** [API label 5] status byte (bit 0 queue overflow, bit 1 overrun), then the packet with its start code. */
  private onReceived(data: Buffer): void {
    if (data.length < 2 || data[1] !== 0xcc || !this.rdmInFlight) return;
    if (data[0] !== 0) {
      this.counters.receiveErrors += 1;
      return this.finishRdm(new Error(`widget reported a receive error (status 0x${data[0]!.toString(16)})`));
    }
    const decoded = decodePacket(data.subarray(1));
    const job = this.rdmInFlight;
    if ('invalid' in decoded) {
      this.counters.rdmInvalid += 1;
      return this.finishRdm(new Error(`invalid RDM reply: ${decoded.invalid}`));
    }
    if (
      decoded.transaction !== job.transaction ||
      !decoded.source.equals(job.destination) ||
      !decoded.destination.equals(CONTROLLER_UID) ||
      decoded.pid !== job.pid ||
      decoded.commandClass !== job.commandClass + 1
    ) {
      this.counters.rdmInvalid += 1;
      return; // not the answer to our request; keep waiting
    }
    this.finishRdm(undefined, decoded);
  }

  private failAll(reason: string): void {
    this.framer.reset();
    for (const [label, p] of this.widgetRequests) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
      this.widgetRequests.delete(label);
    }
    this.finishRdm(new Error(reason));
    for (const job of this.rdmQueue.splice(0)) job.reject(new Error(reason));
  }
}
