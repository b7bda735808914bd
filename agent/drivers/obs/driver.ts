/**
 * The `obs` driver: OBS Studio as a program switcher (scenes) and a stream encoder (its streaming
 * output), over obs-websocket 5. Health per probe: the connection answers, GetStats (fps, CPU, disk,
 * skipped frames), GetStreamStatus and GetRecordStatus (output state, congestion, dropped frames,
 * bitrate) and what program and preview show. Actions: takes, stream and record start/stop, and the
 * slot roles. A closed socket is seen at once and reported offline; the device runner reconnects.
 * Media (issue 22): `mediaFeed({ fromDriver: 'screenshots' })`, the program's pictures and sound
 * (program-feed.ts).
 */
import { obsSpec } from '../../../protocols/drivers/obs.ts';
import { parseProgramSource } from '../../../protocols/program-source.ts';
import type { HealthCheck, Params } from '../../../protocols/schemas.ts';
import { AnalysisSettings, type MediaSource } from '../../../protocols/media.ts';
import { systemClock } from '../../../lib/clock.ts';
import { readSecret } from '../../../lib/secret.ts';
import { sleep } from '../../../lib/timeout.ts';
import type { Driver, DriverDefinition, ProbeResult } from '../../driver.ts';
import type { MediaCapableDriver, MediaFeed } from '../../media/types.ts';
import { createProgramFeed } from './program-feed.ts';
import { decideProgramTake } from '../program-take.ts';
import { ObsRequestError, ObsSession } from './session.ts';
import { RequestStatus, SKIP_WINDOW_MS, explainRefusal, metricsOf, takeSteps, type ObsReading } from './vocabulary.ts';

export type { ObsOptions } from '../../../protocols/drivers/obs.ts';

const OUTPUT_POLL_MS = 50;

export function createObsDriver(): DriverDefinition<typeof obsSpec.optionsSchema> {
  return {
    ...obsSpec,
    create({ deviceId, options, log, state }) {
      const password = readSecret({ env: options.passwordEnv, file: options.passwordFile }, 'obs');
      const session = new ObsSession({
        url: `ws://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
        password,
        requestTimeoutMs: options.requestTimeoutMs,
      });
      /** Readings of the last SKIP_WINDOW_MS, oldest first; the last is the previous probe's. */
      let recent: ObsReading[] = [];
      /** When the probes first saw the stream reconnecting (a rule judges how long, not that it blinked). */
      let reconnectingSince: number | undefined;
      let version = '';
      // Whether the stream should run: this agent started it and was not told to stop it. Kept across
      // agent restarts, so a stream that stopped by itself while the agent was away is still seen.
      const wantedKey = `obs:${deviceId}:stream-wanted`;
      const wantStream = (on: boolean) => state.write(wantedKey, on);
      const streamWanted = () => state.read(wantedKey) === true;
      session.on('CurrentProgramSceneChanged', (e) => log.debug({ program: e.sceneName }, 'program scene changed'));
      session.on('StreamStateChanged', (e) => log.info({ state: e.outputState }, 'stream output state changed'));

      const read = async (signal: AbortSignal): Promise<ObsReading> => {
        const [stats, stream, record, service, scenes, studio] = await Promise.all([
          session.call('GetStats', undefined, signal),
          session.call('GetStreamStatus', undefined, signal),
          session.call('GetRecordStatus', undefined, signal),
          session.call('GetStreamServiceSettings', undefined, signal),
          session.call('GetSceneList', undefined, signal),
          session.call('GetStudioModeEnabled', undefined, signal),
        ]);
        return {
          at: Date.now(),
          stats,
          stream,
          record,
          service,
          program: scenes.currentProgramSceneName,
          preview: studio.studioModeEnabled ? scenes.currentPreviewSceneName : null,
          studioMode: studio.studioModeEnabled,
        };
      };

      /** Takes `scene` to program the way the profile says; resolves with what program shows after. */
      const take = async (scene: string, signal: AbortSignal): Promise<string> => {
        try {
          for (const step of takeSteps(scene, options.cutWith)) {
            if (step.request === 'TriggerStudioModeTransition') await session.call('TriggerStudioModeTransition', undefined, signal);
            else await session.call(step.request, { sceneName: step.sceneName }, signal);
          }
        } catch (err) {
          throw explained(err, { scene, cutWith: options.cutWith });
        }
        return (await session.call('GetCurrentProgramScene', undefined, signal)).currentProgramSceneName;
      };

      /** Starts or stops an output and waits until OBS reports it in that state (an already running output is no error). */
      const setOutput = async (output: 'stream' | 'record', on: boolean, signal: AbortSignal): Promise<Params> => {
        const status = output === 'stream' ? 'GetStreamStatus' : 'GetRecordStatus';
        try {
          if (output === 'stream') await session.call(on ? 'StartStream' : 'StopStream', undefined, signal);
          else await session.call(on ? 'StartRecord' : 'StopRecord', undefined, signal);
        } catch (err) {
          const already =
            err instanceof ObsRequestError && err.code === (on ? RequestStatus.OutputRunning : RequestStatus.OutputNotRunning);
          if (!already) throw err;
        }
        for (;;) {
          const s = await session.call(status, undefined, signal);
          if (s.outputActive === on) return { [output === 'stream' ? 'streaming' : 'recording']: on };
          await sleep(OUTPUT_POLL_MS, signal);
        }
      };

      const driver: Driver & MediaCapableDriver = {
        async connect(signal) {
          recent = [];
          reconnectingSince = undefined;
          await session.connect(signal);
          version = (await session.call('GetVersion', undefined, signal)).obsVersion;
        },

        async probe(signal): Promise<ProbeResult> {
          if (!session.isOpen) {
            return {
              status: 'offline',
              checks: [
                {
                  name: 'connection',
                  status: 'offline',
                  latencyMs: 0,
                  detail: `not connected${session.lastCloseReason ? `: ${session.lastCloseReason}` : ''} (reconnecting)`,
                },
              ],
              metrics: {},
            };
          }
          const started = performance.now();
          const reading = await read(signal);
          const latencyMs = Math.round((performance.now() - started) * 10) / 10;
          reconnectingSince = reading.stream.outputReconnecting ? (reconnectingSince ?? reading.at) : undefined;
          const streaming = reading.stream.outputActive || reading.stream.outputReconnecting;
          const metrics = {
            obsVersion: version,
            ...metricsOf(reading, recent.at(-1), recent[0]),
            ...(reading.stream.outputActive
              ? { streamReconnectingMs: reconnectingSince === undefined ? 0 : reading.at - reconnectingSince }
              : {}),
            streamStopped: streamWanted() && !streaming,
          };
          recent.push(reading);
          while (recent.length > 1 && reading.at - recent[0]!.at > SKIP_WINDOW_MS) recent.shift();
          const checks: HealthCheck[] = [{ name: 'connection', status: 'ok', latencyMs }];
          if (reading.stats.activeFps <= 0)
            checks.push({ name: 'render', status: 'failed', latencyMs: 0, detail: 'OBS renders no frames (0 fps)' });
          return { status: checks.some((c) => c.status === 'failed') ? 'failed' : 'ok', checks, metrics };
        },

        async execute(action, params, signal) {
          switch (action) {
            case 'activate':
            case 'standby': {
              // A switcher or encoder is ready when it answers; its profile maps an encoder's roles to the outputs.
              const program = (await session.call('GetCurrentProgramScene', undefined, signal)).currentProgramSceneName;
              return { data: { ready: true, program } };
            }
            case 'cut':
              return { data: { cut: true, program: await take(String(params.scene), signal) } };
            case 'program-take':
              return { data: await programTake(String(params.to), params.from === undefined ? undefined : String(params.from), signal) };
            case 'start-stream': {
              const data = await setOutput('stream', true, signal);
              wantStream(true);
              return { data };
            }
            case 'stop-stream':
              wantStream(false); // before the stop: stopping is not the stream stopping by itself
              return { data: await setOutput('stream', false, signal) };
            case 'start-record':
              return { data: await setOutput('record', true, signal) };
            case 'stop-record':
              return { data: await setOutput('record', false, signal) };
            default:
              throw new Error(`obs has no action "${action}"`);
          }
        },

        close: () => session.close(),

        /** The program scene's screenshots and the meters (a watch starts it once; it follows reconnects). */
        async mediaFeed(
          source: Exclude<MediaSource, { url: string }>,
          _signal: AbortSignal,
          size = DEFAULT_ANALYSIS_SIZE,
        ): Promise<MediaFeed> {
          if (source.fromDriver !== 'screenshots')
            throw new Error(`obs takes the program's screenshots (source: { fromDriver: screenshots }); it has no "${source.fromDriver}"`);
          return createProgramFeed({
            session,
            log,
            clock: systemClock,
            size: { width: size.width, height: size.height },
            programAudioInputs: options.programAudioInputs,
            requestTimeoutMs: 2 * options.requestTimeoutMs, // two requests, and OBS encodes
          });
        },
      };
      return driver;

      /** The failover engine's take (see program-take.ts): scenes by name. */
      async function programTake(toText: string, fromText: string | undefined, signal: AbortSignal): Promise<Params> {
        const to = sceneOf(toText);
        const from = fromText === undefined ? undefined : sceneOf(fromText);
        const scenes = await session.call('GetSceneList', undefined, signal);
        const studio = (await session.call('GetStudioModeEnabled', undefined, signal)).studioModeEnabled;
        const program = scenes.currentProgramSceneName;
        const decision = decideProgramTake({ program, preview: studio ? scenes.currentPreviewSceneName : undefined }, from);
        if (decision.cut) return { cut: true, from: program, program: await take(to, signal) };
        if (decision.movePreview) {
          try {
            await session.call('SetCurrentPreviewScene', { sceneName: to }, signal);
          } catch (err) {
            throw explained(err, { scene: to });
          }
        }
        return { cut: false, program, previewMoved: decision.movePreview };
      }
    },
  };
}

/** The analysis size a watch uses unless its config says otherwise (AnalysisSettings' defaults). */
const DEFAULT_ANALYSIS_SIZE = { width: AnalysisSettings.properties.width.default, height: AnalysisSettings.properties.height.default };

function sceneOf(text: string): string {
  const source = parseProgramSource(text);
  if (typeof source === 'string') throw new Error(source);
  if (source.kind !== 'scene') throw new Error(`"${text}" is an ATEM input; OBS takes scenes (scene:<name>)`);
  return source.scene;
}

function explained(err: unknown, context: Parameters<typeof explainRefusal>[1]): unknown {
  if (!(err instanceof ObsRequestError)) return err;
  const reason = explainRefusal(err.code, context);
  return reason ? new Error(`${reason} (${err.request}, code ${err.code})`) : err;
}
