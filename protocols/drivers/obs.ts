/**
 * The `obs` driver's options, actions and metrics: OBS Studio 28+ through obs-websocket 5 (RPC
 * version 1), as a program switcher (scenes), a stream encoder (its streaming output), or both.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

export const ObsOptions = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'machine running OBS Studio' }),
    /** obs-websocket 5 listens on 4455 (4.x used 4444 and another protocol). */
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 4455 }),
    /** The server password, by reference: the name of an environment variable of the agent… */
    passwordEnv: Type.Optional(
      Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'environment variable holding the obs-websocket password' }),
    ),
    /** …or a file readable by the agent's user only (mode 0600). Never the password itself. */
    passwordFile: Type.Optional(Type.String({ minLength: 1, description: 'file (mode 0600) holding the obs-websocket password' })),
    /** Deadline of one obs-websocket request (the probe and every action have their own, longer ones). */
    requestTimeoutMs: Type.Integer({ minimum: 50, maximum: 30_000, default: 1_000 }),
    /**
     * How `cut` takes a scene to program: `program-scene` sets the program scene directly (a cut);
     * `studio-transition` sets the preview then triggers the studio-mode transition (OBS must be in
     * studio mode), which is how a director working in studio mode expects a take.
     */
    cutWith: Type.Union([Type.Literal('program-scene'), Type.Literal('studio-transition')], { default: 'program-scene' }),
    /**
     * The audio inputs that make the program's sound, for a media watch of the program (issue 22):
     * obs-websocket meters each input, never the master mix, so the program's level is the loudest
     * of these. Absent: every active audio input.
     */
    programAudioInputs: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'input names whose InputVolumeMeters make the program sound (default: every active audio input, the loudest)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ObsOptions = Static<typeof ObsOptions>;

export const OBS_ACTIONS = [
  'activate',
  'standby',
  'cut',
  'program-take',
  'start-stream',
  'stop-stream',
  'start-record',
  'stop-record',
] as const;

export const obsSpec = driverSpec({
  name: 'obs',
  programSource: 'scene',
  requestDeadline: (o) => ({ field: 'requestTimeoutMs', ms: Number(o.requestTimeoutMs) }),
  optionsSchema: ObsOptions,
  actions: OBS_ACTIONS,
  actionParams: {
    // A switcher or encoder in a slot: `activate` answers when OBS is connected and reports what it
    // airs; the encoder profile maps its roles to start-stream / stop-stream instead.
    activate: NO_PARAMS,
    standby: NO_PARAMS,
    cut: takes({ scene: Type.String({ minLength: 1, description: 'scene to take to program' }) }),
    // The failover engine's take, the same for every switcher: `to` (and `from`) are program sources
    // as a slot maps them (OBS: `scene:<name>`). With `from`, the take happens only while program
    // shows `from`; otherwise a preview showing `from` is moved to `to`, so the next take airs it.
    'program-take': takes({ to: Type.String({ minLength: 1 }), from: Type.Optional(Type.String({ minLength: 1 })) }),
    'start-stream': NO_PARAMS,
    'stop-stream': NO_PARAMS,
    'start-record': NO_PARAMS,
    'stop-record': NO_PARAMS,
  },
  stateMetrics: ['programScene', 'previewScene', 'studioMode', 'streaming', 'streamReconnecting', 'streamStopped', 'recording'],
  metrics: {
    obsVersion: 'OBS Studio version (GetVersion)',
    programScene: 'scene on program now',
    previewScene: 'scene on preview (studio mode only)',
    studioMode: 'studio mode enabled',
    activeFps: 'frames rendered per second (GetStats)',
    cpuUsage: 'OBS CPU use, percent',
    availableDiskGb: 'free space on the recording disk, GB',
    recordDiskGb: 'free space on the recording disk while recording (absent otherwise), GB',
    renderSkippedPercent: 'frames skipped by the renderer over the last 5 s, percent',
    outputSkippedPercent: 'frames skipped by the encoders over the last 5 s, percent',
    streaming: 'the stream output is active (or reconnecting)',
    streamReconnecting: 'the stream output lost its ingest and is reconnecting',
    streamReconnectingMs: 'how long the stream has been reconnecting, as the probes saw it (0 while it streams)',
    streamCongestion: 'stream output congestion, 0 to 1',
    streamSkippedPercent: 'stream frames dropped over the last 5 s, percent',
    streamKbps: 'stream bitrate since the last probe, kbit/s',
    streamStopped: 'the stream should run (this agent started it and was not told to stop it) but OBS reports it stopped',
    streamDroppedFrames: 'stream frames dropped since the stream output started (for reports: a count, never judged as the present)',
    recording: 'the record output is active',
    streamConfigured: 'a stream destination is set up (server or service, and a stream key; GetStreamServiceSettings)',
  },
});
