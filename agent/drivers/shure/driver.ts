/**
 * The `shure` driver: one channel of a Shure ULX-D / QLX-D receiver, over TCP port 2202 or a serial
 * line. Health from transmitter presence, battery bars and run time, RF level and interference
 * (SAMPLE metering and pushed REPs); every probe is also a heartbeat query with a deadline, so a
 * receiver that stops answering while its socket stays open is detected and reconnected.
 */
import { shureSpec, type ShureOptions } from '../../../protocols/drivers/shure.ts';
import type { ByteLink } from '../../../lib/byte-link.ts';
import { TcpLink } from '../../../lib/net/tcp-link.ts';
import { SerialLink } from '../../../lib/serial/serial-link.ts';
import { perMinute } from '../../../lib/recent-count.ts';
import type { DeviceStatus, HealthCheck } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import { encodeGet, encodeSet } from './codec.ts';
import { ShureSession } from './session.ts';
import { Props, decodeBatteryBars, decodeGain, decodeRunTime, encodeGain, transmitterPresent } from './vocabulary.ts';

export type { ShureOptions } from '../../../protocols/drivers/shure.ts';

export function createShureDriver(): DriverDefinition<typeof shureSpec.optionsSchema> {
  return {
    ...shureSpec,
    create({ options, log }) {
      if (!options.host === !options.path) throw new Error('shure: give exactly one of options.host (TCP) or options.path (serial)');
      const link: ByteLink = options.host
        ? new TcpLink({ host: options.host, port: options.port, log })
        : new SerialLink({ path: options.path!, baudRate: options.baudRate, log });
      const ch = options.channel;
      const session = new ShureSession({ link, channel: ch, answerTimeoutMs: options.answerTimeoutMs, now: () => Date.now() });
      let missed = 0;
      const recent = perMinute<'garbageBytes' | 'errReplies'>();
      link.on('open', () => {
        missed = 0;
        // Learn everything once, then let metering and pushed REPs keep it current.
        session.send(encodeGet('ALL', ch));
        if (options.meterRateMs > 0) session.send(encodeSet(Props.meterRate, String(options.meterRateMs), ch));
      });

      const setAndConfirm = async (property: string, value: string, signal: AbortSignal) =>
        session.set(property, value, { priority: 'action', signal });

      return {
        connect: () => link.open(),

        async probe(signal): Promise<ProbeResult> {
          if (!link.isOpen)
            return {
              status: 'offline',
              checks: [{ name: 'connection', status: 'offline', latencyMs: 0, detail: 'not connected (reconnecting)' }],
              metrics: {},
            };
          const started = performance.now();
          try {
            await session.get(Props.batteryBars, { priority: 'probe', signal });
            missed = 0;
          } catch (err) {
            missed += 1;
            if (missed >= options.reconnectAfterMissed) link.restart(`${missed} heartbeats without an answer`);
            throw err;
          }
          return evaluate(
            session,
            options,
            Math.round((performance.now() - started) * 10) / 10,
            recent({ garbageBytes: session.framer.counters.garbageBytes, errReplies: session.counters.errReplies }),
          );
        },

        async execute(action, params, signal) {
          if (!options.muteControl) {
            // No mute on this receiver: as a backup it is ready when it answers; muting is the mixer's job.
            if (action === 'activate' || action === 'standby') {
              await session.get(Props.batteryBars, { priority: 'action', signal });
              return { data: { ready: true } };
            }
            if (action === 'mute' || action === 'unmute')
              throw new Error('this receiver has no mute control (muteControl: false, e.g. QLX-D): mute it at the mixer');
          }
          switch (action) {
            case 'mute':
            case 'standby': // a backup receiver waits muted
              return { data: { muted: (await setAndConfirm(Props.audioMute, 'ON', signal)) === 'ON' } };
            case 'unmute':
            case 'activate':
              return { data: { muted: (await setAndConfirm(Props.audioMute, 'OFF', signal)) === 'ON' } };
            case 'set-gain': {
              const db = Number(params.gain);
              const reported = await setAndConfirm(Props.audioGain, encodeGain(db), signal);
              return { data: { gainDb: decodeGain(reported) } };
            }
            default:
              throw new Error(`shure has no action "${action}"`);
          }
        },

        close: () => link.close(),
      };
    },
  };
}

function evaluate(session: ShureSession, o: ShureOptions, latencyMs: number, recent: Record<string, number>): ProbeResult {
  const v = session.state.values;
  const txType = v.get(Props.transmitterType) ?? '';
  const present = transmitterPresent(txType);
  const bars = decodeBatteryBars(v.get(Props.batteryBars) ?? '255');
  const minutes = decodeRunTime(v.get(Props.batteryRunTime) ?? '65535');
  const interference = v.get(Props.interference) ?? 'NONE';
  const sample = session.state.sample;
  const check = (name: string, status: DeviceStatus, detail?: string): HealthCheck => ({
    name,
    status,
    latencyMs: 0,
    ...(detail ? { detail } : {}),
  });
  const checks: HealthCheck[] = [
    { name: 'heartbeat', status: 'ok', latencyMs },
    present ? check('transmitter', 'ok') : check('transmitter', 'failed', 'no transmitter (switched off or out of range)'),
  ];
  if (present && bars !== undefined) {
    checks.push(
      bars === 0
        ? check('battery', 'failed', 'battery empty')
        : bars <= o.lowBatteryBars
          ? check('battery', 'degraded', `battery at ${bars} of 5 bars`)
          : check('battery', 'ok'),
    );
  }
  if (present && minutes !== undefined && minutes < o.lowRunTimeMinutes)
    checks.push(check('run time', 'degraded', `${minutes} min of battery left`));
  checks.push(
    interference === 'NONE' ? check('interference', 'ok') : check('interference', 'degraded', `RF interference: ${interference}`),
  );
  if (present && sample && sample.rfDbm < o.weakRfDbm)
    checks.push(check('rf', 'degraded', `RF at ${sample.rfDbm} dBm (below ${o.weakRfDbm} dBm)`));
  const worst = checks.some((c) => c.status === 'failed') ? 'failed' : checks.some((c) => c.status === 'degraded') ? 'degraded' : 'ok';
  return {
    status: worst,
    checks,
    metrics: {
      transmitter: txType || 'UNKN',
      ...(bars === undefined ? {} : { batteryBars: bars }),
      ...(minutes === undefined ? {} : { batteryMinutes: minutes }),
      muted: v.get(Props.audioMute) === 'ON',
      ...(v.has(Props.audioGain) ? { gainDb: decodeGain(v.get(Props.audioGain)!) } : {}),
      interference,
      ...(sample ? { rfDbm: sample.rfDbm, audioDbfs: sample.audioDbfs, antenna: sample.antenna } : {}),
      ...recent,
    },
  };
}
