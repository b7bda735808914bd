/**
 * The `visca` driver: a Sony-protocol PTZ camera on a serial line (RS-232/RS-422 via USB adapter).
 * Health from CAM_PowerInq (every probe) and CAM_VersionInq (once per connection); actions:
 * preset recall and set, power on and standby, and the slot roles activate / standby.
 */
import { viscaSpec } from '../../../protocols/drivers/visca.ts';
import { SerialLink } from '../../../lib/serial/serial-link.ts';
import { perMinute } from '../../../lib/recent-count.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import { ViscaFramer } from './codec.ts';
import { ViscaSession } from './session.ts';
import { Commands, Inquiries, MAX_PRESET, parsePower, parseVersion, type VersionInfo } from './vocabulary.ts';

export type { ViscaOptions } from '../../../protocols/drivers/visca.ts';

export function createViscaDriver(): DriverDefinition<typeof viscaSpec.optionsSchema> {
  return {
    ...viscaSpec,
    create({ options, log }) {
      const link = new SerialLink({ path: options.path, baudRate: options.baudRate, log });
      const session = new ViscaSession({
        address: options.address,
        firstAnswerTimeoutMs: options.answerTimeoutMs,
        write: (p) => link.write(p),
      });
      const framer = new ViscaFramer((frame) => session.onFrame(frame));
      let version: VersionInfo | undefined;
      const recent = perMinute<'garbageBytes' | 'oversizedFrames' | 'unmatchedReplies' | 'cameraErrors'>();
      link.on('data', (chunk) => framer.push(chunk));
      link.on('close', () => {
        framer.reset();
        session.reset(`serial port ${options.path} closed`);
        version = undefined; // it may be another camera when it comes back
      });

      const powerState = async (signal: AbortSignal, priority: 'action' | 'probe') =>
        parsePower(await session.inquiry(Inquiries.power, { priority, signal }));
      const move = (body: readonly number[], signal: AbortSignal) =>
        session.command(body, { priority: 'action', completionTimeoutMs: options.moveTimeoutMs, signal });
      const switchPower = (on: boolean, signal: AbortSignal) =>
        session.command(on ? Commands.powerOn : Commands.powerStandby, {
          priority: 'action',
          completionTimeoutMs: options.powerTimeoutMs,
          signal,
        });

      return {
        connect: () => link.open(), // the link reopens by itself after an unplug

        async probe(signal): Promise<ProbeResult> {
          if (!link.isOpen) {
            return {
              status: 'offline',
              checks: [{ name: 'serial', status: 'offline', latencyMs: 0, detail: `${options.path} is not open (reopening)` }],
              metrics: {},
            };
          }
          const started = performance.now();
          const power = await powerState(signal, 'probe');
          const latencyMs = Math.round((performance.now() - started) * 10) / 10;
          version ??= parseVersion(await session.inquiry(Inquiries.version, { priority: 'probe', signal }));
          const standby = power === 'standby';
          return {
            status: standby ? 'degraded' : 'ok',
            checks: [
              { name: 'CAM_PowerInq', status: 'ok', latencyMs },
              {
                name: 'power',
                status: standby ? 'degraded' : 'ok',
                latencyMs: 0,
                ...(standby ? { detail: 'in standby: activate powers it on, which takes seconds' } : {}),
              },
            ],
            metrics: {
              power,
              vendorId: hex4(version.vendorId),
              modelId: hex4(version.modelId),
              romRevision: hex4(version.romRevision),
              ...recent({
                garbageBytes: framer.counters.garbageBytes,
                oversizedFrames: framer.counters.oversized,
                unmatchedReplies: session.counters.unmatchedReplies,
                cameraErrors: session.counters.errors,
              }),
            },
          };
        },

        async execute(action, params, signal) {
          switch (action) {
            case 'recall-preset':
              await move(Commands.presetRecall(preset(params.preset)), signal);
              return { data: { preset: preset(params.preset) } };
            case 'set-preset':
              await move(Commands.presetSet(preset(params.preset)), signal);
              return { data: { preset: preset(params.preset) } };
            case 'power-on':
            case 'power-standby':
              await switchPower(action === 'power-on', signal);
              return { data: { power: action === 'power-on' ? 'on' : 'standby' } };
            case 'activate': {
              // Go live: wake the camera if needed, then frame the slot's shot.
              if ((await powerState(signal, 'action')) === 'standby') await switchPower(true, signal);
              if (params.preset !== undefined) await move(Commands.presetRecall(preset(params.preset)), signal);
              return { data: { power: 'on', ...(params.preset === undefined ? {} : { preset: preset(params.preset) }) } };
            }
            case 'standby':
              // A backup stays powered and framed, ready to go live at once; confirm it still answers.
              return { data: { power: await powerState(signal, 'action') } };
            default:
              throw new Error(`visca has no action "${action}"`);
          }
        },

        close: () => link.close(),
      };
    },
  };
}

function preset(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PRESET)
    throw new Error(`preset must be an integer from 0 to ${MAX_PRESET}, not ${JSON.stringify(value)}`);
  return n;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
