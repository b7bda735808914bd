/**
 * The demo studio's gear, simulated on real transports: an ONVIF camera (HTTP/SOAP) and a VISCA
 * camera (pty), two Shure receivers (TCP), two Enttec widgets (ptys) with an RDM fixture each, and
 * OBS Studio (obs-websocket 5 over WebSocket) as the program switcher and two more as the stream
 * encoders.
 * Agents drive them through the real drivers, exactly as they would drive the real devices.
 */
import { createPtyPair, type PtyPair } from '../lib/serial/pty-pair.ts';
import { EnttecWidgetSimulator } from '../simulators/dmx-widget.ts';
import { FirmataBoardSimulator } from '../simulators/firmata-board.ts';
import { ObsStudioSimulator } from '../simulators/obs-studio.ts';
import { OnvifCameraSimulator } from '../simulators/onvif-camera.ts';
import { ShureReceiverSimulator } from '../simulators/shure-receiver.ts';
import { ViscaCameraSimulator } from '../simulators/visca-camera.ts';
import { shineOnSensor } from '../simulators/room.ts';
import { freeUdpPort, MediaSourceSimulator } from '../simulators/media-source.ts';
import type { MediaSettings } from '../protocols/media-config.ts';
import { DEMO_SLOTS, type StudioAgent } from './studio.ts';

const TALLY_PINS = { 'cam-1': 12, 'cam-2': 13 } as const;
export const STREAM_SLOT = 'studio-a/stream';

export const CAMERA_PASSWORD_ENV = 'ONAIR_DEMO_CAMERA_PASSWORD';
const CAMERA_PASSWORD = 'demo-secret';
export const OBS_PASSWORD_ENV = 'ONAIR_DEMO_OBS_PASSWORD';
const OBS_PASSWORD = 'demo-obs-secret';

/** Also a Firmata GPIO board (pty) carrying the cameras' tally lamps, a relay and a light sensor. */
export interface StudioHardwareOptions {
  /**
   * Real picture and sound (ffmpeg): the ONVIF camera serves its stream over SRT and cam-1 watches its
   * picture; each mic has an audio feed (UDP MPEG-TS) whose sound its receiver's device watches. Off by
   * default: three encoders and their watches cost CPU the other scenarios do not need.
   */
  media?: boolean;
}

export class StudioHardware {
  readonly onvif: OnvifCameraSimulator;
  /** OBS Studio as the program switcher: scene "Cam 1" shows cam-1, "Cam 2" cam-2. */
  readonly obs = new ObsStudioSimulator({ password: OBS_PASSWORD });
  /** Two more OBS machines as the stream encoders: encoder-1 live, encoder-2 its backup. */
  readonly encoders = [new ObsStudioSimulator({ password: OBS_PASSWORD }), new ObsStudioSimulator({ password: OBS_PASSWORD })];
  private readonly pairs: PtyPair[] = [];
  private visca!: ViscaCameraSimulator;
  private readonly receivers = [new ShureReceiverSimulator(), new ShureReceiverSimulator()];
  private readonly widgets: EnttecWidgetSimulator[] = [];
  private gpio!: FirmataBoardSimulator;
  private stopRoom: (() => void) | undefined;
  /** With `media`: the sound each mic picks up, mic-1's and mic-2's, sent where their watches listen. */
  private readonly micFeeds: MediaSourceSimulator[] = [];

  constructor(private readonly o: StudioHardwareOptions = {}) {
    this.onvif = new OnvifCameraSimulator({
      password: CAMERA_PASSWORD,
      moveMs: 100,
      ...(o.media ? { media: { transport: 'srt' as const } } : {}),
    });
  }

  /** Password for the ONVIF camera, passed to agents through their environment (never in config files). */
  readonly env: Record<string, string> = { [CAMERA_PASSWORD_ENV]: CAMERA_PASSWORD, [OBS_PASSWORD_ENV]: OBS_PASSWORD };

  async start(): Promise<StudioAgent[]> {
    const onvifPort = await this.onvif.listen();
    const obsPort = await this.obs.listen(0);
    const [encoder1, encoder2] = [await this.encoders[0]!.listen(0), await this.encoders[1]!.listen(0)];
    const encoder = (port: number) => ({ host: '127.0.0.1', port, passwordEnv: OBS_PASSWORD_ENV });
    const viscaPair = await this.pair();
    this.visca = new ViscaCameraSimulator({ path: viscaPair.b, moveMs: 100 });
    await this.visca.start();
    const [mic1, mic2] = await Promise.all(this.receivers.map((r) => r.listen()));
    const widgetPaths: string[] = [];
    for (const uid of ['7ff0:00000101', '7ff0:00000201']) {
      const pair = await this.pair();
      const widget = new EnttecWidgetSimulator(pair.b, [{ uid, startAddress: 1, footprint: 4 }]);
      await widget.start();
      this.widgets.push(widget);
      widgetPaths.push(pair.a);
    }
    const gpioPair = await this.pair();
    this.gpio = new FirmataBoardSimulator(gpioPair.b);
    await this.gpio.start();
    this.stopRoom = shineOnSensor({ widget: this.widgets[0]!, address: 1, board: this.gpio });
    const [micSound1, micSound2] = this.o.media ? await this.startMicFeeds() : [];
    const probe = { intervalMs: 250 }; // the deadline follows each driver's own (protocols/probe-deadline.ts)
    const light = (path: string, uid: string) => ({ path, address: 1, uid }); // footprint and scenes come from the fixture's profile
    return [
      {
        id: 'agent-a',
        devices: [
          {
            id: 'cam-1',
            kind: 'camera',
            label: 'Wide camera',
            profile: 'ptzoptics-20x-sdi-g2',
            probe,
            options: {
              host: '127.0.0.1',
              port: onvifPort,
              username: 'admin',
              passwordEnv: CAMERA_PASSWORD_ENV,
              snapshot: true,
              requestTimeoutMs: 1_000,
            },
            // Its own stream, found by GetStreamUri (the substream), checked for black, freeze and no signal.
            ...(this.o.media ? { media: { source: { fromDriver: 'stream' }, picture: {} } satisfies MediaSettings } : {}),
          },
          {
            id: 'mic-1',
            kind: 'mic',
            profile: 'shure-ulxd4',
            probe,
            options: { host: '127.0.0.1', port: mic1, channel: 1 },
            ...(micSound1 ? { media: micSound1 } : {}),
          },
          {
            id: 'switcher-1',
            kind: 'switcher',
            label: 'Program switcher',
            profile: 'obs-studio-30-switcher',
            probe,
            options: { host: '127.0.0.1', port: obsPort, passwordEnv: OBS_PASSWORD_ENV },
          },
          { id: 'encoder-1', kind: 'encoder', profile: 'obs-studio-30-encoder', probe, options: encoder(encoder1) },
          // The board's light sensor sees light-1's beam: its self-test checks the stage really lights up.
          {
            id: 'light-1',
            kind: 'light',
            profile: 'chauvet-ovation-e-260ww',
            probe,
            options: light(widgetPaths[0]!, '7ff0:00000101'),
            helpers: { 'light-sensor': 'agent-b/gpio-1' },
          },
        ],
      },
      {
        id: 'agent-b',
        devices: [
          {
            id: 'cam-2',
            kind: 'camera',
            label: 'Close camera',
            profile: 'sony-srg-300h',
            probe,
            options: { path: viscaPair.a, address: 1 },
          },
          {
            id: 'mic-2',
            kind: 'mic',
            profile: 'shure-ulxd4',
            probe,
            options: { host: '127.0.0.1', port: mic2, channel: 1 },
            ...(micSound2 ? { media: micSound2 } : {}),
          },
          { id: 'encoder-2', kind: 'encoder', profile: 'obs-studio-30-encoder', probe, options: encoder(encoder2) },
          { id: 'light-2', kind: 'light', profile: 'chauvet-ovation-e-260ww', probe, options: light(widgetPaths[1]!, '7ff0:00000201') },
          {
            id: 'gpio-1',
            kind: 'gpio',
            profile: 'arduino-uno-relay-tally',
            probe,
            options: { path: gpioPair.a, tallies: TALLY_PINS, relays: { 'cam-1-power': 7 }, lightSensor: { pin: 'A0', brightAbove: 600 } },
          },
        ],
      },
    ];
  }

  /** The demo slots, with the cameras' tally lamps on the GPIO board and program scenes on OBS, and the stream slot. */
  slots(): typeof DEMO_SLOTS {
    const stream = { id: STREAM_SLOT, primary: 'agent-a/encoder-1', backups: ['agent-b/encoder-2'], params: {} };
    return [...DEMO_SLOTS, stream].map((slot) =>
      slot.id === 'studio-a/cam-wide'
        ? {
            ...slot,
            label: 'Wide shot',
            tallies: {
              'agent-a/cam-1': { board: 'agent-b/gpio-1', tally: 'cam-1' },
              'agent-b/cam-2': { board: 'agent-b/gpio-1', tally: 'cam-2' },
            },
            program: { 'agent-a/cam-1': 'agent-a/switcher-1#scene:Cam 1', 'agent-b/cam-2': 'agent-a/switcher-1#scene:Cam 2' },
          }
        : slot,
    );
  }

  /** Which camera tallies are lit, read off the board's pins. */
  litTallies(): string[] {
    return Object.entries(TALLY_PINS)
      .filter(([, pin]) => this.gpio.digital(pin) === 1)
      .map(([name]) => name);
  }

  /** What the program (OBS) shows, and since when. */
  program(): { scene: string; since: number } {
    return { scene: this.obs.state.program, since: this.obs.state.programChangedAt };
  }

  /** The live encoder loses its ingest: its stream output reconnects, and keeps reconnecting. */
  breakPrimaryStream(): void {
    this.encoders[0]!.setFault('stream-reconnecting');
  }

  repairPrimaryStream(): void {
    this.encoders[0]!.setFault('none');
  }

  /** Since when each encoder streams (undefined: not streaming). */
  streamingSince(): Array<number | undefined> {
    return this.encoders.map((e) => e.state.stream.since);
  }

  /** The primary camera keeps answering ONVIF, but its picture goes black (resolves once the encoder shows it). */
  blackOutPrimaryCamera(): Promise<void> {
    return this.onvif.setContent('black');
  }

  /** The host's mic picks up nothing (digital silence) while its receiver reports the transmitter fine. */
  silenceHostMic(): Promise<void> {
    return this.requireMicFeed(0).setContent('silent');
  }

  restorePrimaryCamera(): Promise<void> {
    return this.onvif.setContent('normal');
  }

  restoreHostMic(): Promise<void> {
    return this.requireMicFeed(0).setContent('normal');
  }

  /** A transmitter on mic `index` (0: mic-1) with this many minutes of battery left, counting down. */
  setMicBattery(index: number, minutes: number): void {
    this.receivers[index]!.setBattery(1, minutes);
  }

  /** The primary camera hangs: its HTTP server accepts requests and never answers. */
  breakPrimaryCamera(): void {
    this.onvif.setFault('dead');
  }

  repairPrimaryCamera(): void {
    this.onvif.setFault('none');
  }

  /** Where the backup camera was told to go, for the narration. */
  backupCameraPreset(): number {
    return this.visca.lastPreset;
  }

  async stop(): Promise<void> {
    this.stopRoom?.();
    await this.onvif.stop();
    await Promise.all(this.micFeeds.map((f) => f.stop()));
    await this.obs.stop();
    await Promise.all(this.encoders.map((e) => e.stop()));
    await this.visca?.stop();
    await Promise.all(this.receivers.map((r) => r.stop()));
    await Promise.all(this.widgets.map((w) => w.stop()));
    await this.gpio?.stop();
    await Promise.all(this.pairs.map((p) => p.close()));
  }

  /** An audio feed per mic, sent over UDP where its device's watch listens: sound checks, as a source. */
  private async startMicFeeds(): Promise<MediaSettings[]> {
    const settings: MediaSettings[] = [];
    for (const name of ['mic-1', 'mic-2']) {
      const feed = new MediaSourceSimulator({ transport: { kind: 'udp', port: await freeUdpPort() }, name });
      await feed.start();
      this.micFeeds.push(feed);
      settings.push({ source: { url: feed.url }, role: 'source', sound: {} });
    }
    return settings;
  }

  private requireMicFeed(index: number): MediaSourceSimulator {
    const feed = this.micFeeds[index];
    if (!feed) throw new Error('the mics have no audio feed: start the studio hardware with { media: true }');
    return feed;
  }

  private async pair(): Promise<PtyPair> {
    const pair = await createPtyPair();
    this.pairs.push(pair);
    return pair;
  }
}
