/**
 * OBS Studio 30 with its built-in obs-websocket 5 server (RPC version 1), per obsproject/obs-websocket
 * docs/generated/protocol.md — written from that document, sharing nothing with obs-websocket-js:
 * - WebSocket with subprotocol `obswebsocket.json` (JSON in text frames; a binary frame or bad JSON
 *   closes with 4002 MessageDecodeError) [Connection steps, Connection Notes];
 * - Hello (op 0) at once, with {challenge, salt} when a password is set; Identify (op 1) answered by
 *   Identified (op 2); a wrong or missing authentication closes with 4009, another rpcVersion with
 *   4010, any message before Identify with 4007 NotIdentified, an unknown op with 4006;
 * - Request (op 6) → RequestResponse (op 7) with requestStatus {result, code, comment}: 100 success,
 *   204 unknown type, 300 missing field, 500/501 output (not) running, 506 studio mode not active,
 *   600 resource not found [enum RequestStatus];
 * - Event (op 5) only for the categories in the client's eventSubscriptions bit mask [EventSubscription];
 *   InputVolumeMeters every 50 ms to a client that asked for that high-volume bit (1 << 16) only;
 * - GetSourceScreenshot answers a real picture of a scene (see obs-program.ts).
 * Frame and byte counters advance with the clock while the canvas renders and the outputs run.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CHANGES,
  OBS_FAULTS,
  answerRequest,
  skipRatioOf,
  skippedSince,
  type Answer,
  type ObsFault,
  type ObsStudioState,
} from './obs-requests.ts';
import { answerScreenshot, frameAt, meterEventData, type AudioLevel, type SceneContent } from './obs-program.ts';
import { chosen, type SimulatorLaunch } from './launch.ts';

export { OBS_FAULTS, type ObsFault } from './obs-requests.ts';
export { AUDIO_LEVELS, SCENE_CONTENTS, type AudioLevel, type SceneContent } from './obs-program.ts';

const Op = { Hello: 0, Identify: 1, Identified: 2, Reidentify: 3, Event: 5, Request: 6, RequestResponse: 7 } as const;
const Close = {
  MessageDecodeError: 4002,
  MissingDataField: 4003,
  UnknownOpCode: 4006,
  NotIdentified: 4007,
  AlreadyIdentified: 4008,
  AuthenticationFailed: 4009,
  UnsupportedRpcVersion: 4010,
} as const;
/** EventSubscription bits [enum EventSubscription]; All = every non-high-volume category. */
export const Intent = { General: 1, Scenes: 4, Outputs: 64, Ui: 1024, All: 2047, InputVolumeMeters: 1 << 16 } as const;
/** How often OBS sends InputVolumeMeters [Obs_VolumeMeter.h updatePeriod]. */
const METER_PERIOD_MS = 50;

/** How late an overloaded OBS (fault `slow`) runs and answers each request. */
const SLOW_MS = 1_500;

interface Client {
  socket: WebSocket;
  identified: boolean;
  subscriptions: number;
  challenge?: string;
}

/** The obs-websocket authentication string [Creating an authentication string]. */
export function obsAuthentication(password: string, salt: string, challenge: string): string {
  const secret = createHash('sha256')
    .update(password + salt)
    .digest('base64');
  return createHash('sha256')
    .update(secret + challenge)
    .digest('base64');
}

export class ObsStudioSimulator {
  readonly state: ObsStudioState;
  private server: WebSocketServer | undefined;
  private readonly clients = new Set<Client>();
  private readonly salt = randomBytes(32).toString('base64');
  port = 0;
  connections = 0;
  /** Every request type received, in order (tests read it to check what a driver asked). */
  readonly requests: string[] = [];
  private meters: NodeJS.Timeout | undefined;
  private meterTick = 0;
  /** The frame a program-frozen fault froze on. */
  private faultFrame = 0;

  /**
   * `streamServer: ''` is an OBS whose stream destination was never set up; `audioInputs` are the
   * inputs that meter (OBS's defaults: "Mic/Aux" and "Desktop Audio"); `ffmpegPath` encodes screenshots.
   */
  constructor(
    private readonly o: {
      password?: string;
      scenes?: string[];
      studioMode?: boolean;
      streamServer?: string;
      audioInputs?: string[];
      ffmpegPath?: string;
    } = {},
  ) {
    const scenes = o.scenes ?? ['Cam 1', 'Cam 2', 'Wide', 'Slides'];
    this.state = {
      scenes,
      program: scenes[0]!,
      programChangedAt: 0,
      preview: scenes[1] ?? scenes[0]!,
      studioMode: o.studioMode ?? false,
      fault: 'none',
      stream: { since: undefined, reconnectingSince: undefined, skipped: 0, skippingSince: undefined, skipRatio: 0 },
      record: { since: undefined },
      streamService: { type: 'rtmp_custom', settings: { server: o.streamServer ?? 'rtmp://127.0.0.1/live', key: 'simulated-stream-key' } },
      startedAt: Date.now(),
      pictures: new Map(scenes.map((scene) => [scene, { content: 'normal', frozenFrame: 0 }])),
      audio: (o.audioInputs ?? ['Mic/Aux', 'Desktop Audio']).map((inputName, i) => ({
        inputName,
        inputUuid: `00000000-0000-4000-a000-${String(i + 1).padStart(12, '0')}`,
        level: 'normal',
      })),
      emit: (type, intent, data) => this.emit(type, intent, data),
    };
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async listen(port = this.port, host = '127.0.0.1'): Promise<number> {
    const server = new WebSocketServer({
      port,
      host,
      handleProtocols: (protocols) => (protocols.has('obswebsocket.json') ? 'obswebsocket.json' : false),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    server.on('connection', (socket) => this.accept(socket));
    this.meters ??= setInterval(() => this.sendMeters(), METER_PERIOD_MS);
    this.meters.unref();
    return this.port;
  }

  /** What a scene shows from now on: `frozen` keeps the frame showing now. */
  setSceneContent(scene: string, content: SceneContent): void {
    const picture = this.state.pictures.get(scene);
    if (!picture) throw new Error(`the simulated OBS has no scene "${scene}" (${this.state.scenes.join(', ')})`);
    if (content === 'frozen' && picture.content !== 'frozen') picture.frozenFrame = frameAt(Date.now());
    picture.content = content;
  }

  /** How an audio input meters from now on. */
  setAudioLevel(inputName: string, level: AudioLevel): void {
    const input = this.state.audio.find((a) => a.inputName === inputName);
    if (!input)
      throw new Error(`the simulated OBS has no audio input "${inputName}" (${this.state.audio.map((a) => a.inputName).join(', ')})`);
    input.level = level;
  }

  setFault(fault: ObsFault): void {
    const before = this.state.fault;
    this.state.fault = fault;
    const now = Date.now();
    if (fault === 'program-frozen' && before !== fault) this.faultFrame = frameAt(now);
    const stream = this.state.stream;
    const ratio = skipRatioOf(fault);
    if (ratio !== stream.skipRatio && stream.skippingSince !== undefined) {
      stream.skipped += skippedSince(stream.skippingSince, now, stream.skipRatio); // dropped frames stay counted
      stream.skippingSince = undefined;
    }
    stream.skipRatio = ratio;
    if (ratio > 0 && stream.since !== undefined && stream.skippingSince === undefined) stream.skippingSince = now;
    if (fault === 'stream-reconnecting' && this.state.stream.since !== undefined) {
      this.state.stream.reconnectingSince = now;
      // The event reports outputActive false while GetStreamStatus still says active [protocol.md note].
      this.emit('StreamStateChanged', Intent.Outputs, { outputActive: false, outputState: 'OBS_WEBSOCKET_OUTPUT_RECONNECTING' });
    }
    if (before === 'stream-reconnecting' && fault !== 'stream-reconnecting' && this.state.stream.reconnectingSince !== undefined) {
      this.state.stream.reconnectingSince = undefined;
      this.emit('StreamStateChanged', Intent.Outputs, { outputActive: true, outputState: 'OBS_WEBSOCKET_OUTPUT_RECONNECTED' });
    }
    if (fault === 'stream-stopped' && stream.since !== undefined) {
      // The output ends without a StopStream: OBS emits the state change only [StreamStateChanged].
      stream.since = undefined;
      stream.reconnectingSince = undefined;
      this.emit('StreamStateChanged', Intent.Outputs, { outputActive: false, outputState: 'OBS_WEBSOCKET_OUTPUT_STOPPED' });
    }
    if (fault === 'disconnect') for (const c of this.clients) c.socket.terminate();
  }

  /** OBS crashed or quit: every connection drops and none is accepted until `listen` again. */
  async stop(): Promise<void> {
    clearInterval(this.meters);
    this.meters = undefined;
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    if (this.state.fault === 'disconnect') return void socket.terminate();
    this.connections += 1;
    const client: Client = { socket, identified: false, subscriptions: Intent.All };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.receive(client, data.toString('utf8'), isBinary));
    const hello: Record<string, unknown> = { obsWebSocketVersion: '5.5.2', rpcVersion: 1 };
    if (this.o.password !== undefined) {
      client.challenge = randomBytes(32).toString('base64');
      hello.authentication = { challenge: client.challenge, salt: this.salt };
    }
    this.send(client, Op.Hello, hello);
  }

  private receive(client: Client, text: string, isBinary: boolean): void {
    if (this.state.fault === 'dead') return; // OBS hung: the socket stays open, nothing answers
    if (isBinary)
      return client.socket.close(Close.MessageDecodeError, 'Your session encoding is set to Json, but a binary message was received.');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      return client.socket.close(Close.MessageDecodeError, `Unable to decode Json: ${(err as Error).message}`.slice(0, 120));
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return client.socket.close(Close.MessageDecodeError, 'You sent a non-object payload.');
    const { op, d } = message as { op?: unknown; d?: unknown };
    if (typeof op !== 'number') return client.socket.close(Close.UnknownOpCode, 'Your request is missing an `op`.');
    if (typeof d !== 'object' || d === null) return client.socket.close(Close.MissingDataField, 'Your request is missing a `d`.');
    const data = d as Record<string, unknown>;
    if (!client.identified && op !== Op.Identify)
      return client.socket.close(Close.NotIdentified, 'You attempted to send a non-Identify message while not identified.');
    switch (op) {
      case Op.Identify:
        return this.identify(client, data);
      case Op.Reidentify:
        if (typeof data.eventSubscriptions === 'number') client.subscriptions = data.eventSubscriptions;
        return this.send(client, Op.Identified, { negotiatedRpcVersion: 1 });
      case Op.Request:
        return this.request(client, data);
      default:
        return client.socket.close(Close.UnknownOpCode, `Unknown OpCode: ${op}`);
    }
  }

  private identify(client: Client, d: Record<string, unknown>): void {
    if (client.identified) return client.socket.close(Close.AlreadyIdentified, 'You are already Identified with the obs-websocket server.');
    if (d.rpcVersion !== 1)
      return client.socket.close(
        Close.UnsupportedRpcVersion,
        `Your requested RPC version (${String(d.rpcVersion)}) is not supported by this server.`,
      );
    if (this.o.password !== undefined) {
      const expected = obsAuthentication(this.o.password, this.salt, client.challenge!);
      if (d.authentication !== expected) return client.socket.close(Close.AuthenticationFailed, 'Authentication failed.');
    }
    if (typeof d.eventSubscriptions === 'number') client.subscriptions = d.eventSubscriptions;
    client.identified = true;
    this.send(client, Op.Identified, { negotiatedRpcVersion: 1 });
  }

  private request(client: Client, d: Record<string, unknown>): void {
    // Overloaded OBS: a change waits for the render thread — it runs, and is answered, late; reads are answered at once.
    if (this.state.fault === 'slow' && CHANGES.has(String(d.requestType))) return void setTimeout(() => this.handle(client, d), SLOW_MS);
    this.handle(client, d);
  }

  private handle(client: Client, d: Record<string, unknown>): void {
    const requestType = typeof d.requestType === 'string' ? d.requestType : '';
    const requestId = typeof d.requestId === 'string' ? d.requestId : '';
    this.requests.push(requestType);
    const data = (d.requestData ?? {}) as Record<string, unknown>;
    const respond = (answer: Answer): void => {
      const requestStatus = { result: answer.code === 100, code: answer.code, ...(answer.comment ? { comment: answer.comment } : {}) };
      this.send(client, Op.RequestResponse, {
        requestType,
        requestId,
        requestStatus,
        ...(answer.data ? { responseData: answer.data } : {}),
      });
    };
    if (requestType === 'GetSourceScreenshot') void this.screenshot(data).then(respond);
    else respond(answerRequest(this.state, requestType, data));
  }

  private screenshot(data: Record<string, unknown>): Promise<Answer> {
    const fault = this.state.fault;
    const override =
      fault === 'program-black'
        ? { content: 'black' as const, frozenFrame: 0 }
        : fault === 'program-frozen'
          ? { content: 'frozen' as const, frozenFrame: this.faultFrame }
          : undefined;
    const source = { scenes: this.state.scenes, scene: this.state.pictures, audio: this.state.audio, override };
    return answerScreenshot(source, data, Date.now(), this.o.ffmpegPath);
  }

  /** One InputVolumeMeters event to the clients that asked for meters (none asked: nothing is computed). */
  private sendMeters(): void {
    this.meterTick += 1;
    const fault = this.state.fault;
    if (fault === 'dead' || fault === 'disconnect') return;
    if (![...this.clients].some((c) => c.identified && (c.subscriptions & Intent.InputVolumeMeters) !== 0)) return;
    const override = fault === 'program-silent' ? 'silent' : fault === 'program-clipping' ? 'clipping' : undefined;
    this.emit('InputVolumeMeters', Intent.InputVolumeMeters, meterEventData(this.state.audio, override, this.meterTick));
  }

  private emit(eventType: string, eventIntent: number, eventData: Record<string, unknown>): void {
    for (const c of this.clients) {
      if (c.identified && (c.subscriptions & eventIntent) !== 0) this.send(c, Op.Event, { eventType, eventIntent, eventData });
    }
  }

  private send(client: Client, op: number, d: Record<string, unknown>): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify({ op, d }));
  }
}

/** `onair simulate obs`: OBS Studio on `--port`, password "secret", with `--fault`. */
export const launch: SimulatorLaunch = async (o) => {
  const fault = chosen('fault', o.fault, OBS_FAULTS);
  const obs = new ObsStudioSimulator({ password: 'secret' });
  const port = await obs.listen(o.port);
  obs.setFault(fault);
  return {
    stop: () => obs.stop(),
    description: `OBS Studio 30 (obs-websocket 5.5) at ${obs.url}, password "secret", scenes: ${obs.state.scenes.join(', ')}, audio inputs: ${obs.state.audio.map((a) => a.inputName).join(', ')}. Agent config:\n  - { id: switcher-1, driver: obs, kind: switcher, options: { host: 127.0.0.1, port: ${port}, passwordEnv: OBS_PASSWORD } }`,
  };
};
