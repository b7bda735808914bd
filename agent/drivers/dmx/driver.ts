/**
 * The `dmx` driver: one lighting fixture on a DMX512 universe driven by an Enttec DMX USB Pro.
 * Actions set the fixture's channels (scenes, blackout); health comes from the widget and, when
 * the fixture has an RDM UID, from RDM: DEVICE_INFO, SENSOR_VALUE (temperature), LAMP_HOURS and
 * STATUS_MESSAGES. A fixture that does not answer RDM (label 12) is failed; the widget stays healthy.
 */
import { dmxSpec } from '../../../protocols/drivers/dmx.ts';
import type { DeviceStatus, HealthCheck } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import {
  CommandClass,
  NACK_REASONS,
  Pid,
  ResponseType,
  StatusType,
  decodeDeviceInfo,
  decodeHours,
  decodeSensorValue,
  decodeStatusMessages,
  parseUid,
  type RdmResponse,
} from './rdm.ts';
import { EnttecWidget } from './widget.ts';
import { perMinute } from '../../../lib/recent-count.ts';

const check = (name: string, status: DeviceStatus, detail?: string, latencyMs = 0): HealthCheck => ({
  name,
  status,
  latencyMs,
  ...(detail ? { detail } : {}),
});

export type { DmxOptions } from '../../../protocols/drivers/dmx.ts';

export function createDmxDriver(): DriverDefinition<typeof dmxSpec.optionsSchema> {
  return {
    ...dmxSpec,
    create({ options, log, state }) {
      if (options.address + options.footprint - 1 > 512)
        throw new Error(`dmx: address ${options.address} + footprint ${options.footprint} runs past slot 512`);
      const uid = options.uid ? parseUid(options.uid) : undefined;
      let widget: EnttecWidget | undefined;
      let serialNumber: string | undefined;
      const recent = perMinute<'rdmTimeouts' | 'garbageBytes'>();
      const theWidget = (): EnttecWidget => {
        if (!widget) throw new Error('dmx: not connected');
        return widget;
      };

      const get = async (pid: number, data?: Uint8Array): Promise<Buffer | undefined> => {
        const r: RdmResponse = await theWidget().rdm(uid!, CommandClass.get, pid, data);
        if (r.responseType === ResponseType.ack) return r.data;
        if (r.responseType === ResponseType.nackReason) {
          const reason = r.data.length === 2 ? r.data.readUInt16BE(0) : -1;
          if (reason === 0x0000) return undefined; // the fixture does not have this PID (no lamp on an LED)
          throw new Error(`fixture refused PID 0x${pid.toString(16).padStart(4, '0')}: ${NACK_REASONS[reason] ?? `reason ${reason}`}`);
        }
        throw new Error(`fixture answered PID 0x${pid.toString(16)} with response type ${r.responseType} (not supported here)`);
      };

      const scene = (name: unknown): number[] => {
        const levels = typeof name === 'string' ? options.scenes[name] : undefined;
        if (!levels) throw new Error(`no scene "${String(name)}"; scenes: ${Object.keys(options.scenes).join(', ') || 'none configured'}`);
        if (levels.length > options.footprint)
          throw new Error(`scene "${String(name)}" has ${levels.length} levels for a ${options.footprint}-channel fixture`);
        return levels;
      };
      const master = (value: unknown): number => {
        if (value === undefined) return 1;
        const pct = Number(value);
        if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw new Error('level must be a percentage from 0 to 100');
        return pct / 100;
      };
      const output = (levels: number[]) => {
        theWidget().setChannels(options.address, levels);
        return { data: { address: options.address, levels: theWidget().channels(options.address, levels.length) } };
      };

      return {
        async connect() {
          widget ??= EnttecWidget.acquire(state, options.path, log, options.answerTimeoutMs);
          await widget.link.open();
          serialNumber = await widget.serialNumber().catch(() => undefined); // [label 10], for the inventory
        },

        async probe(): Promise<ProbeResult> {
          const w = theWidget();
          if (!w.link.isOpen)
            return { status: 'offline', checks: [check('widget', 'offline', `${options.path} is not open (reopening)`)], metrics: {} };
          const started = performance.now();
          const params = await w.parameters();
          const checks: HealthCheck[] = [check('widget', 'ok', undefined, Math.round((performance.now() - started) * 10) / 10)];
          const metrics: Record<string, number | string | boolean> = {
            firmware: params.firmware,
            dmxAddress: options.address,
            levels: w.channels(options.address, options.footprint).join(','),
            ...(serialNumber ? { widgetSerial: serialNumber } : {}),
          };
          if (uid) await probeFixture(checks, metrics);
          const worst = checks.some((c) => c.status === 'failed')
            ? 'failed'
            : checks.some((c) => c.status === 'degraded')
              ? 'degraded'
              : 'ok';
          return {
            status: worst,
            checks,
            metrics: { ...metrics, ...recent({ rdmTimeouts: w.counters.rdmTimeouts, garbageBytes: w.framer.counters.garbageBytes }) },
          };
        },

        async execute(action, params) {
          switch (action) {
            case 'set-scene':
            case 'activate': {
              const gain = master(params.level);
              return output(scene(params.scene).map((l) => l * gain));
            }
            case 'blackout':
            case 'standby':
              return output(new Array<number>(options.footprint).fill(0));
            case 'set-levels': {
              const levels = params.levels;
              if (
                !Array.isArray(levels) ||
                levels.length > options.footprint ||
                !levels.every((l) => Number.isInteger(l) && l >= 0 && l <= 255)
              ) {
                throw new Error(`levels must be up to ${options.footprint} integers from 0 to 255`);
              }
              return output(levels as number[]);
            }
            default:
              throw new Error(`dmx has no action "${action}"`);
          }
        },

        async close() {
          await widget?.release();
          widget = undefined;
        },
      };

      async function probeFixture(checks: HealthCheck[], metrics: Record<string, number | string | boolean>): Promise<void> {
        const started = performance.now();
        let info;
        try {
          info = decodeDeviceInfo((await get(Pid.deviceInfo))!);
        } catch (err) {
          checks.push(check('rdm', 'failed', (err as Error).message));
          return;
        }
        checks.push(check('rdm', 'ok', undefined, Math.round((performance.now() - started) * 10) / 10));
        Object.assign(metrics, { modelId: info.modelId, footprint: info.footprint, rdmStartAddress: info.startAddress });
        if (info.startAddress !== options.address)
          checks.push(check('patch', 'degraded', `fixture is addressed at ${info.startAddress}, config says ${options.address}`));
        if (info.sensors > options.temperatureSensor) {
          const temperature = decodeSensorValue((await get(Pid.sensorValue, Uint8Array.of(options.temperatureSensor)))!).present;
          metrics.temperatureC = temperature;
          checks.push(
            temperature > options.maxTemperatureC
              ? check('temperature', 'failed', `${temperature} °C is over the ${options.maxTemperatureC} °C limit`)
              : check('temperature', 'ok'),
          );
        }
        const lamp = await get(Pid.lampHours);
        if (lamp) {
          const hours = decodeHours(lamp);
          metrics.lampHours = hours;
          if (options.lampRatedHours && hours > options.lampRatedHours)
            checks.push(check('lamp', 'degraded', `lamp at ${hours} h is past its rated ${options.lampRatedHours} h: maintenance due`));
        }
        const deviceHours = await get(Pid.deviceHours);
        if (deviceHours) metrics.deviceHours = decodeHours(deviceHours);
        const status = await get(Pid.statusMessages, Uint8Array.of(StatusType.warning));
        for (const m of decodeStatusMessages(status ?? Buffer.alloc(0))) {
          if (m.type === StatusType.error || m.type === StatusType.warning) {
            checks.push(
              check(
                'status',
                m.type === StatusType.error ? 'failed' : 'degraded',
                `status message 0x${m.messageId.toString(16).padStart(4, '0')} (${m.value1}, ${m.value2})`,
              ),
            );
          }
        }
      }
    },
  };
}
