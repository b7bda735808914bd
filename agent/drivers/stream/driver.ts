/**
 * The `stream` driver: a source that is only a stream (an encoder's output, the platform's HLS
 * playback, a UDP or SRT contribution feed). Its probe asks whether the endpoint answers where a
 * stream protocol lets one ask cheaply: an HLS playlist is fetched and must be one (`#EXTM3U`, RFC 8216
 * §4.3.1.1); an RTSP or RTMP server must accept a TCP connection. UDP and SRT are listened to, not
 * asked: the media watch (the device's `media` block) is what says whether they carry a picture.
 * Its media is its URL (`mediaFeed`), so a watch with `source: { fromDriver: stream }` reads it.
 */
import net from 'node:net';
import { streamSpec, type StreamOptions } from '../../../protocols/drivers/stream.ts';
import type { DeviceStatus, HealthCheck } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';

export type { StreamOptions } from '../../../protocols/drivers/stream.ts';

/** The port a URL without one reaches (RTSP: RFC 2326 §3.2; RTMP: Adobe's RTMP specification §3). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { rtsp: 554, rtsps: 322, rtmp: 1935, rtmps: 443 };

const check = (status: DeviceStatus, latencyMs: number, detail?: string): HealthCheck => ({
  name: 'endpoint',
  status,
  latencyMs,
  ...(detail ? { detail } : {}),
});

export function createStreamDriver(): DriverDefinition<typeof streamSpec.optionsSchema> {
  return {
    ...streamSpec,
    create({ options }) {
      const url = new URL(options.url);
      const scheme = url.protocol.replace(/:$/, '');
      return {
        async connect() {
          // Nothing to open: the media watch opens the stream itself, and the probe asks afresh each time.
        },

        async probe(signal): Promise<ProbeResult> {
          const started = performance.now();
          const elapsed = () => Math.round(performance.now() - started);
          const deadline = AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs)]);
          const metrics: Record<string, string | number> = { scheme };
          try {
            if (scheme === 'http' || scheme === 'https') {
              metrics.playlistBytes = await fetchPlaylist(options, deadline);
            } else if (DEFAULT_PORTS[scheme] !== undefined) {
              await tcpAccepts(url.hostname, Number(url.port) || DEFAULT_PORTS[scheme]!, deadline);
            } else {
              return { status: 'ok', checks: [check('ok', 0, `${scheme}: listened to, not asked`)], metrics };
            }
            return { status: 'ok', checks: [check('ok', elapsed())], metrics };
          } catch (err) {
            const reason = deadline.aborted ? `no answer within ${options.requestTimeoutMs} ms` : (err as Error).message;
            return { status: 'failed', checks: [check('failed', elapsed(), `${redacted(url)}: ${reason}`)], metrics };
          }
        },

        async execute(action) {
          throw new Error(`the stream driver has no action "${action}": it watches a stream, it switches nothing`);
        },

        async close() {},

        async mediaFeed(source) {
          if (source.fromDriver !== 'stream')
            throw new Error(`the stream driver gives its stream, not ${source.fromDriver}: use source: { fromDriver: stream }`);
          return { kind: 'url', url: options.url };
        },
      };
    },
  };
}

/** An HLS playlist, fetched: its size, or why it is not one. */
async function fetchPlaylist(options: StreamOptions, signal: AbortSignal): Promise<number> {
  const response = await fetch(options.url, { signal, redirect: 'follow' });
  const body = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (!body.startsWith('#EXTM3U')) throw new Error(`not an HLS playlist (it starts ${JSON.stringify(body.slice(0, 20))})`);
  return Buffer.byteLength(body);
}

function tcpAccepts(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const socket = net.connect({ host, port });
    const done = (err?: Error) => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const abort = () => done(new Error('aborted'));
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => done());
    socket.once('error', (err) => done(new Error(`${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
  });
}

/** A URL as logs and health may show it: credentials in it are the camera's or the platform's secret. */
export function redacted(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const shown = new URL(url.href);
  shown.username = '***';
  shown.password = '';
  return shown.href;
}
