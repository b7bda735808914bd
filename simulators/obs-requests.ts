/**
 * The requests the simulated OBS answers, per obs-websocket 5 docs/generated/protocol.md [Requests],
 * with the RequestStatus codes real OBS gives. Counters are computed from the clock (30 fps canvas,
 * a 6000 kbit/s stream), so readings move between probes exactly as OBS's do.
 */
import type { AudioInput, SceneState } from './obs-program.ts';

export type ObsFault =
  | 'none'
  | 'dead' // the socket stays open, nothing answers (OBS hung)
  | 'slow' // a request that changes something runs and is answered 1.5 s late (OBS overloaded)
  | 'disconnect' // connections drop and none is accepted (OBS crashed)
  | 'refuse' // every request that changes something fails (code 205 GenericError)
  | 'stream-reconnecting' // the ingest is lost: the stream output reconnects
  | 'stream-stopped' // the stream output stops by itself (OBS gave up reconnecting, or the platform ended it)
  | 'congestion' // the network cannot carry the bitrate
  | 'skipped-frames' // the encoder drops 5 % of the stream's frames
  | 'skipped-frames-heavy' // the encoder drops 25 % (CPU-starved): viewers see a slideshow
  | 'render-stall' // the canvas renders nothing (0 fps)
  | 'disk-low' // 800 MB left on the recording disk
  | 'program-black' // the program shows black whatever the scene (a source lost, a wrong layer on top)
  | 'program-frozen' // the program shows one frame whatever the scene (a capture card stuck)
  | 'program-silent' // every audio input meters 0.0 (a dead interface, everything muted)
  | 'program-clipping'; // every audio input meters full scale (a gain stage far too hot)
export const OBS_FAULTS: readonly ObsFault[] = [
  'none',
  'dead',
  'slow',
  'disconnect',
  'refuse',
  'stream-reconnecting',
  'stream-stopped',
  'congestion',
  'skipped-frames',
  'skipped-frames-heavy',
  'render-stall',
  'disk-low',
  'program-black',
  'program-frozen',
  'program-silent',
  'program-clipping',
];

export interface ObsStudioState {
  scenes: string[];
  program: string;
  /** When program last changed (Date.now()), for measuring how fast a cut arrived. */
  programChangedAt: number;
  preview: string;
  studioMode: boolean;
  fault: ObsFault;
  /** skipped: frames dropped before the current skipping spell; skippingSince: start of that spell. */
  stream: {
    since: number | undefined;
    reconnectingSince: number | undefined;
    skipped: number;
    skippingSince: number | undefined;
    skipRatio: number;
  };
  record: { since: number | undefined };
  /** The stream destination as OBS's Settings → Stream holds it [GetStreamServiceSettings]. */
  streamService: { type: string; settings: Record<string, string> };
  startedAt: number;
  /** What each scene shows (GetSourceScreenshot), and the audio inputs that meter (InputVolumeMeters). */
  pictures: Map<string, SceneState>;
  audio: AudioInput[];
  emit: (eventType: string, eventIntent: number, data: Record<string, unknown>) => void;
}

export interface Answer {
  code: number;
  comment?: string;
  data?: Record<string, unknown>;
}

const FPS = 30;
const STREAM_KBPS = 6_000;
const Scenes = 4;
const Outputs = 64;
const Ui = 1024;

const ok = (data?: Record<string, unknown>): Answer => ({ code: 100, ...(data ? { data } : {}) });
const uuid = (name: string): string => `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`;
export const CHANGES = new Set([
  'SetCurrentProgramScene',
  'SetCurrentPreviewScene',
  'TriggerStudioModeTransition',
  'SetStudioModeEnabled',
  'StartStream',
  'StopStream',
  'StartRecord',
  'StopRecord',
]);

export function answerRequest(s: ObsStudioState, type: string, data: Record<string, unknown>): Answer {
  if (s.fault === 'refuse' && CHANGES.has(type)) return { code: 205, comment: 'The request failed (simulated refusal).' };
  const now = Date.now();
  switch (type) {
    case 'GetVersion':
      return ok({
        obsVersion: '30.2.3',
        obsWebSocketVersion: '5.5.2',
        rpcVersion: 1,
        availableRequests: [...HANDLED],
        supportedImageFormats: ['png', 'jpg'],
        platform: 'ubuntu',
        platformDescription: 'Ubuntu 24.04 LTS',
      });
    case 'GetStats':
      return ok(stats(s, now));
    case 'GetStreamStatus':
      return ok(streamStatus(s, now));
    case 'GetRecordStatus': {
      const ms = s.record.since === undefined ? 0 : now - s.record.since;
      return ok({
        outputActive: s.record.since !== undefined,
        outputPaused: false,
        outputTimecode: timecode(ms),
        outputDuration: ms,
        outputBytes: Math.round((ms * STREAM_KBPS) / 8),
      });
    }
    case 'GetStreamServiceSettings':
      return ok({ streamServiceType: s.streamService.type, streamServiceSettings: { ...s.streamService.settings } });
    case 'GetSceneList':
      return ok({
        currentProgramSceneName: s.program,
        currentProgramSceneUuid: uuid(s.program),
        currentPreviewSceneName: s.studioMode ? s.preview : null,
        currentPreviewSceneUuid: s.studioMode ? uuid(s.preview) : null,
        // Listed bottom-first, as OBS does [GetSceneList].
        scenes: [...s.scenes].reverse().map((name, i) => ({ sceneIndex: i, sceneName: name, sceneUuid: uuid(name) })),
      });
    case 'GetCurrentProgramScene':
      return ok({
        sceneName: s.program,
        sceneUuid: uuid(s.program),
        currentProgramSceneName: s.program,
        currentProgramSceneUuid: uuid(s.program),
      });
    case 'GetCurrentPreviewScene':
      if (!s.studioMode) return { code: 506, comment: 'Studio mode is not enabled.' };
      return ok({
        sceneName: s.preview,
        sceneUuid: uuid(s.preview),
        currentPreviewSceneName: s.preview,
        currentPreviewSceneUuid: uuid(s.preview),
      });
    case 'GetStudioModeEnabled':
      return ok({ studioModeEnabled: s.studioMode });
    case 'SetStudioModeEnabled': {
      if (typeof data.studioModeEnabled !== 'boolean')
        return { code: 300, comment: 'Your request is missing the `studioModeEnabled` field.' };
      if (s.studioMode !== data.studioModeEnabled) {
        s.studioMode = data.studioModeEnabled;
        s.emit('StudioModeStateChanged', Ui, { studioModeEnabled: s.studioMode });
      }
      return ok();
    }
    case 'SetCurrentProgramScene':
    case 'SetCurrentPreviewScene': {
      const name = data.sceneName;
      if (typeof name !== 'string') return { code: 300, comment: 'Your request is missing the `sceneName` field.' };
      if (!s.scenes.includes(name)) return { code: 600, comment: `No source was found by the name of \`${name}\`.` };
      if (type === 'SetCurrentPreviewScene') {
        if (!s.studioMode) return { code: 506, comment: 'Studio mode is not enabled.' };
        s.preview = name;
        s.emit('CurrentPreviewSceneChanged', Scenes, { sceneName: name, sceneUuid: uuid(name) });
      } else setProgram(s, name);
      return ok();
    }
    case 'TriggerStudioModeTransition':
      if (!s.studioMode) return { code: 506, comment: 'Studio mode is not enabled.' };
      setProgram(s, s.preview);
      return ok();
    case 'StartStream':
      if (s.stream.since !== undefined) return { code: 500, comment: 'The stream output is already active.' };
      s.stream.since = now;
      s.stream.skipped = 0;
      s.stream.skippingSince = skipRatioOf(s.fault) > 0 ? now : undefined;
      s.stream.skipRatio = skipRatioOf(s.fault);
      s.emit('StreamStateChanged', Outputs, { outputActive: false, outputState: 'OBS_WEBSOCKET_OUTPUT_STARTING' });
      s.emit('StreamStateChanged', Outputs, { outputActive: true, outputState: 'OBS_WEBSOCKET_OUTPUT_STARTED' });
      if (s.fault === 'stream-reconnecting') {
        s.stream.reconnectingSince = now; // the ingest is unreachable from the start
        s.emit('StreamStateChanged', Outputs, { outputActive: false, outputState: 'OBS_WEBSOCKET_OUTPUT_RECONNECTING' });
      }
      return ok();
    case 'StopStream':
      if (s.stream.since === undefined) return { code: 501, comment: 'The stream output is not active.' };
      s.stream.since = undefined;
      s.stream.reconnectingSince = undefined;
      s.emit('StreamStateChanged', Outputs, { outputActive: false, outputState: 'OBS_WEBSOCKET_OUTPUT_STOPPED' });
      return ok();
    case 'StartRecord':
      if (s.record.since !== undefined) return { code: 500, comment: 'The record output is already active.' };
      s.record.since = now;
      s.emit('RecordStateChanged', Outputs, { outputActive: true, outputState: 'OBS_WEBSOCKET_OUTPUT_STARTED', outputPath: null });
      return ok();
    case 'StopRecord':
      if (s.record.since === undefined) return { code: 501, comment: 'The record output is not active.' };
      s.record.since = undefined;
      s.emit('RecordStateChanged', Outputs, {
        outputActive: false,
        outputState: 'OBS_WEBSOCKET_OUTPUT_STOPPED',
        outputPath: '/home/obs/Videos/recording.mkv',
      });
      return ok({ outputPath: '/home/obs/Videos/recording.mkv' });
    default:
      return type
        ? { code: 204, comment: `Your request type (${type}) is not valid.` }
        : { code: 203, comment: 'Your request is missing a `requestType`.' };
  }
}

const HANDLED = [
  'GetVersion',
  'GetStats',
  'GetStreamStatus',
  'GetStreamServiceSettings',
  'GetRecordStatus',
  'GetSceneList',
  'GetCurrentProgramScene',
  'GetCurrentPreviewScene',
  'GetStudioModeEnabled',
  'GetSourceScreenshot', // answered by obs-program.ts: it encodes, which takes a moment
  ...CHANGES,
];

function setProgram(s: ObsStudioState, name: string): void {
  if (s.program === name) return;
  s.program = name;
  s.programChangedAt = Date.now();
  s.emit('CurrentProgramSceneChanged', Scenes, { sceneName: name, sceneUuid: uuid(name) });
}

function stats(s: ObsStudioState, now: number): Record<string, unknown> {
  const rendered = s.fault === 'render-stall' ? 0 : Math.floor(((now - s.startedAt) / 1000) * FPS);
  const stream = streamStatus(s, now);
  return {
    cpuUsage: s.fault === 'render-stall' ? 99.7 : 12.5,
    memoryUsage: 812.4,
    availableDiskSpace: s.fault === 'disk-low' ? 800 : 250_000, // MB
    activeFps: s.fault === 'render-stall' ? 0 : FPS,
    averageFrameRenderTime: 2.1,
    renderSkippedFrames: 0,
    renderTotalFrames: rendered,
    outputSkippedFrames: stream.outputSkippedFrames,
    outputTotalFrames: stream.outputTotalFrames,
    webSocketSessionIncomingMessages: 0,
    webSocketSessionOutgoingMessages: 0,
  };
}

function streamStatus(
  s: ObsStudioState,
  now: number,
): {
  outputActive: boolean;
  outputReconnecting: boolean;
  outputTimecode: string;
  outputDuration: number;
  outputCongestion: number;
  outputBytes: number;
  outputSkippedFrames: number;
  outputTotalFrames: number;
} {
  const since = s.stream.since;
  const ms = since === undefined ? 0 : now - since;
  // While reconnecting nothing reaches the ingest: bytes stop where the connection was lost.
  const sentMs = s.stream.reconnectingSince !== undefined ? s.stream.reconnectingSince - (since ?? now) : ms;
  const total = Math.floor((ms / 1000) * FPS);
  return {
    outputActive: since !== undefined,
    outputReconnecting: since !== undefined && s.stream.reconnectingSince !== undefined,
    outputTimecode: timecode(ms),
    outputDuration: ms,
    outputCongestion: since !== undefined && s.fault === 'congestion' ? 0.8 : 0,
    outputBytes: Math.round((Math.max(0, sentMs) * STREAM_KBPS) / 8),
    outputSkippedFrames: since === undefined ? 0 : s.stream.skipped + skippedSince(s.stream.skippingSince, now, s.stream.skipRatio),
    outputTotalFrames: total,
  };
}

/** The encoder drops one frame in twenty while it skips (rounded up: a short spell still shows). */
/** The share of stream frames a fault drops. */
export const skipRatioOf = (fault: ObsFault): number => (fault === 'skipped-frames' ? 0.05 : fault === 'skipped-frames-heavy' ? 0.25 : 0);

export function skippedSince(since: number | undefined, now: number, ratio: number): number {
  return since === undefined ? 0 : Math.floor(((now - since) / 1000) * FPS * ratio); // a frame is dropped once its time has come
}

function timecode(ms: number): string {
  const pad = (n: number, w = 2): string => String(Math.floor(n)).padStart(w, '0');
  return `${pad(ms / 3_600_000)}:${pad((ms / 60_000) % 60)}:${pad((ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}
