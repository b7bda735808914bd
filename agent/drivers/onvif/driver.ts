/**
 * The `onvif` driver: an IP camera (Profile S, PTZ where present) through the `onvif` package.
 * Health: unauthenticated GetSystemDateAndTime (reachability, clock offset), GetStreamUri, a
 * snapshot that must be a real JPEG, PTZ GetStatus. Auth: WS-UsernameToken with the measured clock
 * offset applied (by the library), or HTTP Digest. Actions: presets by name or token, set-preset.
 * Media: the camera's own stream for its media watch (media-feed.ts: its substream by default).
 */
import { onvifSpec } from '../../../protocols/drivers/onvif.ts';
import { Cam } from 'onvif';
import type { DeviceStatus, HealthCheck } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import { call } from './callback.ts';
import { fetchBytes } from './http-fetch.ts';
import { cameraStream } from './media-feed.ts';
import { clockOffsetMs, isJpeg, resolvePreset } from './vocabulary.ts';

type Presets = Record<string, { $?: { token?: string | number } }>;

const check = (name: string, status: DeviceStatus, latencyMs: number, detail?: string): HealthCheck => ({
  name,
  status,
  latencyMs,
  ...(detail ? { detail } : {}),
});
const elapsed = (since: number) => Math.round(performance.now() - since);

export type { OnvifOptions } from '../../../protocols/drivers/onvif.ts';

export function createOnvifDriver(env: NodeJS.ProcessEnv = process.env): DriverDefinition<typeof onvifSpec.optionsSchema> {
  return {
    ...onvifSpec,
    create({ options }) {
      const password = options.passwordEnv ? env[options.passwordEnv] : undefined;
      if (options.passwordEnv && password === undefined) throw new Error(`onvif: the password variable ${options.passwordEnv} is not set`);
      let cam: Cam | undefined;
      let info: Record<string, unknown> = {};
      let snapshotUri: string | undefined;
      const camera = () => {
        if (!cam) throw new Error('onvif: not connected');
        return cam;
      };
      const profileToken = () => String(camera().defaultProfile?.$?.token ?? '');
      const hasPtz = () => Boolean(camera().uri?.ptz);
      const gotoPreset = async (wanted: unknown) => {
        if (!hasPtz()) throw new Error('this camera has no PTZ service');
        if (typeof wanted !== 'string' && typeof wanted !== 'number') throw new Error('preset must be a preset name or token');
        const presets = await call<Presets>((done) => camera().getPresets({ profileToken: profileToken() }, done));
        const token = resolvePreset(presets, wanted);
        await call((done) => camera().gotoPreset({ profileToken: profileToken(), preset: token }, done));
        return token;
      };

      return {
        async connect() {
          const next = new Cam({
            hostname: options.host,
            port: options.port,
            ...(options.username ? { username: options.username, password: password ?? '' } : {}),
            useWSSecurity: options.auth === 'ws-security',
            timeout: options.requestTimeoutMs,
            autoconnect: false,
          });
          // connect() asks GetSystemDateAndTime first, unauthenticated, so the WS-Security Created
          // timestamps carry the camera's clock even when it has drifted. (A camera whose profiles lack
          // an encoder makes connect() throw inside its callback and never settle: the agent's connect
          // deadline bounds that.)
          await call((done) => next.connect(done));
          cam = next;
          info = await call<Record<string, unknown>>((done) => next.getDeviceInformation(done));
          snapshotUri = undefined;
        },

        async probe(): Promise<ProbeResult> {
          const c = camera();
          const checks: HealthCheck[] = [];
          const metrics: Record<string, string | number | boolean> = {
            manufacturer: String(info.manufacturer ?? ''),
            model: String(info.model ?? ''),
            firmware: String(info.firmwareVersion ?? ''),
          };
          let t = performance.now();
          const cameraTime = await call<Date>((done) => c.getSystemDateAndTime(done));
          const offset = clockOffsetMs(cameraTime, Date.now());
          metrics.clockOffsetMs = offset;
          const skewed = Math.abs(offset) > options.maxClockOffsetMs;
          checks.push(
            check(
              'clock',
              skewed ? 'degraded' : 'ok',
              elapsed(t),
              skewed ? `camera clock is ${offset / 1000} s off (limit ${options.maxClockOffsetMs / 1000} s)` : undefined,
            ),
          );

          t = performance.now();
          const stream = await call<{ uri?: string }>((done) => c.getStreamUri({ protocol: 'RTSP', profileToken: profileToken() }, done));
          checks.push(
            stream.uri ? check('stream', 'ok', elapsed(t)) : check('stream', 'failed', elapsed(t), 'GetStreamUri returned no URI'),
          );

          if (options.snapshot) {
            t = performance.now();
            try {
              snapshotUri ??= String(
                (await call<{ uri?: string }>((done) => c.getSnapshotUri({ profileToken: profileToken() }, done))).uri ?? '',
              );
              const jpeg = await fetchBytes(snapshotUri, { username: options.username, password, timeoutMs: options.requestTimeoutMs });
              metrics.snapshotBytes = jpeg.length;
              checks.push(
                isJpeg(jpeg)
                  ? check('snapshot', 'ok', elapsed(t))
                  : check('snapshot', 'degraded', elapsed(t), `snapshot is not a JPEG (${jpeg.length} bytes)`),
              );
            } catch (err) {
              checks.push(check('snapshot', 'degraded', elapsed(t), (err as Error).message));
            }
          }

          if (hasPtz()) {
            t = performance.now();
            const status = await call<{ position?: { x?: number; y?: number; zoom?: number }; moveStatus?: { panTilt?: string } }>((done) =>
              c.getStatus({ profileToken: profileToken() }, done),
            );
            metrics.moveStatus = String(status.moveStatus?.panTilt ?? 'UNKNOWN');
            if (status.position)
              Object.assign(metrics, {
                pan: Number(status.position.x ?? 0),
                tilt: Number(status.position.y ?? 0),
                zoom: Number(status.position.zoom ?? 0),
              });
            checks.push(check('ptz', 'ok', elapsed(t)));
          }
          const worst = checks.some((x) => x.status === 'failed')
            ? 'failed'
            : checks.some((x) => x.status === 'degraded')
              ? 'degraded'
              : 'ok';
          return { status: worst, checks, metrics };
        },

        async execute(action, params) {
          switch (action) {
            case 'goto-preset':
            case 'recall-preset':
              return { data: { preset: await gotoPreset(params.preset) } };
            case 'activate':
              return { data: params.preset === undefined ? {} : { preset: await gotoPreset(params.preset) } };
            case 'standby':
              await call((done) => camera().getSystemDateAndTime(done)); // a backup stays framed and ready; confirm it answers
              return { data: {} };
            case 'set-preset': {
              if (typeof params.name !== 'string' || params.name.length === 0) throw new Error('set-preset needs a name');
              const reply = await call<unknown>((done) =>
                camera().setPreset({ profileToken: profileToken(), presetName: params.name as string }, done),
              );
              const token = /"presetToken":\["?([^"\]]+)/.exec(JSON.stringify(reply))?.[1];
              return { data: { name: params.name, ...(token ? { token } : {}) } };
            }
            default:
              throw new Error(`onvif has no action "${action}"`);
          }
        },

        async close() {
          cam = undefined;
        },

        mediaFeed: async (source) => cameraStream(camera(), source, { username: options.username, password }),
      };
    },
  };
}
