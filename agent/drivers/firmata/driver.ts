/**
 * The `firmata` driver: an Arduino-class board running StandardFirmata, through johnny-five with
 * firmata-io over a serialport 13 port (one serialport in the tree, by npm overrides). Relays
 * power-cycle hung gear, tally LEDs light the camera that is live, a light sensor proves a fixture
 * really came on. Layers: Firmata wire protocol (firmata-io), pins and roles (this file's options),
 * the driver (health, actions, reconnection).
 */
import { firmataSpec } from '../../../protocols/drivers/firmata.ts';
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import { RetryTimer } from '../../../lib/retry-timer.ts';
import { perMinute } from '../../../lib/recent-count.ts';
import { guardedFirmata } from './guarded-transport.ts';
import { FirmataJunkCounter } from './junk-counter.ts';
import { sleep } from '../../../lib/timeout.ts';
import type { HealthCheck } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';

interface Connected {
  port: SerialPort;
  board: five.Board;
  firmware: string;
  relays: Map<string, five.Relay>;
  tallies: Map<string, five.Led>;
  sensor?: five.Sensor;
  /** Last byte from the board. johnny-five's Sensor repeats its last value on a timer, so it cannot tell. */
  heardAt: number;
}

export type { FirmataOptions } from '../../../protocols/drivers/firmata.ts';

export function createFirmataDriver(): DriverDefinition<typeof firmataSpec.optionsSchema> {
  return {
    ...firmataSpec,
    create({ options, log, state }) {
      let live: Connected | undefined;
      /** Frames the board sent that firmata-io could not parse (it threw on them). */
      let garbledFrames = 0;
      /** Bytes that belong to no Firmata message (firmata-io skips them without a word). */
      const junk = new FirmataJunkCounter();
      const recent = perMinute<'garbledFrames' | 'garbageBytes'>();
      // What the agent has switched, by part: set again after every reconnect (a replugged or reset
      // Uno starts with every pin low) and after an agent restart. Parts never switched are left alone.
      const outputsKey = `firmata-outputs:${options.path}`;
      const outputs = readOutputs(state.read(outputsKey));
      const remember = (kind: 'relays' | 'tallies', name: string, on: boolean): void => {
        outputs[kind][name] = on;
        state.write(outputsKey, outputs);
      };
      let wanted = false;
      // One open at a time, whoever asks (the driver's own retry after an unplug, or the agent's
      // reconnect): a second port on the same device fails with "Cannot lock port" and held the board
      // up for the whole ready timeout.
      let opening: Promise<void> | undefined;
      let openingPort: SerialPort | undefined;
      const ensureOpen = (): Promise<void> => (opening ??= open().finally(() => (opening = undefined)));
      const retry = new RetryTimer({ initialMs: 250, maxMs: 5_000 }, () => {
        if (wanted && !live) ensureOpen().catch(() => schedule());
      });

      const open = async (): Promise<void> => {
        const port = new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: false });
        openingPort = port;
        try {
          // Wire firmata-io and the Board to the port before opening it: firmata-io reports "connect"
          // on the port's "open" event, and johnny-five waits for that as well as "ready".
          // serialport flushes input on open, so the Uno's own REPORT_VERSION is lost: ask after 300 ms.
          junk.restart();
          port.on('data', (chunk: Buffer) => junk.feed(chunk));
          const io = guardedFirmata(
            port,
            (reason) => {
              garbledFrames += 1;
              log.warn({ port: options.path, reason }, 'dropped a malformed Firmata frame from the board');
            },
            { reportVersionTimeout: 300 },
          );
          const boardOptions: five.BoardOption & { sigint: boolean } = {
            io,
            repl: false,
            debug: false,
            timeout: options.readyTimeoutMs,
            sigint: false,
          };
          const board = new five.Board(boardOptions); // sigint: false, or johnny-five exits the agent on Ctrl-C
          const ready = new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`board on ${options.path} not ready within ${options.readyTimeoutMs} ms`)),
              options.readyTimeoutMs,
            );
            board.on('ready', () => (clearTimeout(timer), resolve()));
            board.on('error' as 'ready', ((err: Error) => (clearTimeout(timer), reject(err))) as () => void);
            port.once('close', () => (clearTimeout(timer), reject(new Error(`port ${options.path} closed while the board was coming up`))));
          });
          ready.catch(() => undefined); // observed below — unless the port does not even open
          await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
          // firmata-io asks for the version and the firmware once; a board that was busy or hung then would
          // keep us waiting for the whole ready timeout. Ask again until it is ready [Firmata protocol:
          // REPORT_VERSION 0xF9, and the sysex REPORT_FIRMWARE query F0 79 F7 it waits for next].
          const ask = setInterval(() => port.isOpen && port.write(Buffer.from([0xf9, 0xf0, 0x79, 0xf7])), 500);
          await ready.finally(() => clearInterval(ask));
          if (!wanted) throw new Error('closed while connecting');
          const relays = new Map(Object.entries(options.relays).map(([name, pin]) => [name, new five.Relay({ pin, board })]));
          const tallies = new Map(Object.entries(options.tallies).map(([name, pin]) => [name, new five.Led({ pin, board })]));
          const connected: Connected = {
            port,
            board,
            firmware: `${io.firmware.name ?? '?'} ${io.firmware.version?.major ?? '?'}.${io.firmware.version?.minor ?? '?'}`,
            relays,
            tallies,
            heardAt: Date.now(),
          };
          port.on('data', () => (connected.heardAt = Date.now()));
          if (options.lightSensor) connected.sensor = new five.Sensor({ pin: options.lightSensor.pin, board, freq: 100 });
          port.on('close', () => {
            if (live !== connected) return;
            live = undefined;
            log.warn({ port: options.path }, 'board disconnected; reconnecting with backoff');
            schedule();
          });
          live = connected;
          retry.succeeded();
          for (const [name, on] of Object.entries(outputs.relays)) relays.get(name)?.[on ? 'close' : 'open']();
          for (const [name, on] of Object.entries(outputs.tallies)) tallies.get(name)?.[on ? 'on' : 'off']();
        } catch (err) {
          if (port.isOpen) port.close();
          throw err;
        } finally {
          openingPort = undefined;
        }
      };

      const schedule = (): void => {
        if (wanted) retry.schedule();
      };

      const board = (): Connected => {
        if (!live) throw new Error(`board on ${options.path} is not connected`);
        return live;
      };
      const part = <T>(parts: Map<string, T>, name: unknown, what: string): T => {
        const found = typeof name === 'string' ? parts.get(name) : undefined;
        if (!found) throw new Error(`no ${what} "${String(name)}"; ${what}s: ${[...parts.keys()].join(', ') || 'none configured'}`);
        return found;
      };

      return {
        async connect() {
          wanted = true;
          if (live) return;
          try {
            await ensureOpen();
          } catch (err) {
            schedule();
            throw err;
          }
        },

        async probe(signal): Promise<ProbeResult> {
          if (!live)
            return {
              status: 'offline',
              checks: [{ name: 'board', status: 'offline', latencyMs: 0, detail: `${options.path} not connected (reconnecting)` }],
              metrics: {},
            };
          const b = live;
          const started = performance.now();
          const silentMs = Date.now() - b.heardAt;
          if (silentMs > QUIET_MS) {
            // A board with nothing to report (or a hung one) is asked, and must answer before the probe's
            // deadline [Firmata: REPORT_VERSION query] — a heartbeat, as every other driver has.
            b.port.write(Buffer.from([0xf9]));
            try {
              // Our own deadline, inside the probe's (protocols/probe-deadline.ts): the reason is ours to give.
              await nextBytes(b.port, AbortSignal.any([signal, AbortSignal.timeout(options.answerTimeoutMs)]));
            } catch {
              if (silentMs > options.staleAfterMs) b.port.close(); // long silent: reopen it
              throw new Error(
                `board did not answer a version query within ${options.answerTimeoutMs} ms (no bytes for ${Date.now() - b.heardAt} ms)`,
              );
            }
          }
          const checks: HealthCheck[] = [{ name: 'board', status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 }];
          const metrics: Record<string, string | number | boolean> = {
            firmware: b.firmware,
            ...recent({ garbledFrames, garbageBytes: junk.junk }),
          };
          // johnny-five leaves isOn undefined until a part is first switched: that is "off".
          for (const [name, relay] of b.relays) metrics[`relay.${name}`] = relay.isOn === true;
          for (const [name, led] of b.tallies) metrics[`tally.${name}`] = led.isOn === true;
          if (b.sensor && options.lightSensor) {
            metrics.light = b.sensor.raw;
            metrics.bright = b.sensor.raw > options.lightSensor.brightAbove;
            checks.push({ name: 'light sensor', status: 'ok', latencyMs: 0 });
          }
          return { status: 'ok', checks, metrics };
        },

        async execute(action, params) {
          const b = board();
          switch (action) {
            case 'relay-on':
            case 'relay-off': {
              const relay = part(b.relays, params.relay, 'relay');
              if (action === 'relay-on') relay.close();
              else relay.open();
              remember('relays', String(params.relay), action === 'relay-on');
              return { data: { relay: String(params.relay), on: relay.isOn } };
            }
            case 'power-cycle': {
              const relay = part(b.relays, params.relay, 'relay');
              const offMs = params.offMs === undefined ? 2_000 : Number(params.offMs);
              if (!Number.isFinite(offMs) || offMs < 100 || offMs > 60_000) throw new Error('offMs must be from 100 to 60000');
              relay.open();
              await sleep(offMs);
              relay.close();
              remember('relays', String(params.relay), true);
              return { data: { relay: String(params.relay), cycledMs: offMs } };
            }
            case 'tally-on':
            case 'tally-off':
            case 'activate':
            case 'standby': {
              const on = action === 'tally-on' || action === 'activate';
              if ((action === 'activate' || action === 'standby') && params.tally === undefined) return { data: {} };
              const led = part(b.tallies, params.tally, 'tally');
              if (on) led.on();
              else led.off();
              remember('tallies', String(params.tally), on);
              return { data: { tally: String(params.tally), on } };
            }
            case 'read-light': {
              if (!b.sensor || !options.lightSensor) throw new Error('no light sensor configured');
              return { data: { light: b.sensor.raw, bright: b.sensor.raw > options.lightSensor.brightAbove } };
            }
            default:
              throw new Error(`firmata has no action "${action}"`);
          }
        },

        async close() {
          wanted = false;
          retry.cancel();
          const b = live;
          live = undefined;
          if (openingPort?.isOpen) openingPort.close(); // an open in flight gives up at once
          await opening?.catch(() => undefined);
          if (b?.port.isOpen) await new Promise<void>((r) => b.port.close(() => r()));
        },
      };
    },
  };
}

interface Outputs {
  relays: Record<string, boolean>;
  tallies: Record<string, boolean>;
}

/** What a previous run stored; anything unreadable is nothing (outputs are then left as the board has them). */
function readOutputs(saved: unknown): Outputs {
  const part = (value: unknown): Record<string, boolean> =>
    typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'))
      : {};
  const o = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
  return { relays: part(o.relays), tallies: part(o.tallies) };
}

/**
 * Without a byte from the board for this long, a probe asks it for its version. Short, because a
 * board that hung counts as alive until then: detection takes this plus two failed probes.
 */
const QUIET_MS = 150;

/** Resolves on the next bytes from the board; rejects when `signal` aborts (the probe's deadline). */
function nextBytes(port: SerialPort, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      port.off('data', onData);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (): void => (done(), resolve());
    const onAbort = (): void => (done(), reject(signal.reason));
    if (signal.aborted) return reject(signal.reason);
    port.on('data', onData);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
