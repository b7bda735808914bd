/**
 * The `stream` driver against real endpoints on loopback: an HLS playlist over HTTP, an RTSP or RTMP
 * server's TCP port, a UDP stream (listened to, not asked), and its media, which is its URL.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamDriver } from '../../agent/drivers/stream/driver.ts';
import { silentLogger } from '../../lib/logger.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';
import { freePort } from '../support/processes.ts';

const PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:2.000,\nseg41.ts\n';

let web: http.Server;
let webPort: number;
let rtsp: net.Server;
let rtspPort: number;

beforeAll(async () => {
  web = http.createServer((req, res) => {
    if (req.url === '/live/index.m3u8') return void res.end(PLAYLIST);
    if (req.url === '/offline.html') return void res.end('<html>the stream is offline</html>');
    res.statusCode = 404;
    res.end('no such stream');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  rtsp = net.createServer((socket) => socket.end());
  await new Promise<void>((r) => rtsp.listen(0, '127.0.0.1', r));
  rtspPort = (rtsp.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => web.close(r));
  await new Promise((r) => rtsp.close(r));
});

function stream(url: string, requestTimeoutMs = 1_000) {
  return createStreamDriver().create({
    deviceId: 'program-out',
    options: { url, requestTimeoutMs },
    log: silentLogger(),
    state: memoryKeptState(),
  });
}
const signal = () => AbortSignal.timeout(5_000);

describe('the stream driver', () => {
  it('fetches an HLS playlist: ok when it is one, failed with the reason when it is not there or not a playlist', async () => {
    const ok = await stream(`http://127.0.0.1:${webPort}/live/index.m3u8`).probe(signal());
    expect(ok).toMatchObject({
      status: 'ok',
      checks: [{ name: 'endpoint', status: 'ok' }],
      metrics: { scheme: 'http', playlistBytes: PLAYLIST.length },
    });

    const missing = await stream(`http://127.0.0.1:${webPort}/live/gone.m3u8`).probe(signal());
    expect(missing.checks[0]).toMatchObject({ status: 'failed', detail: `http://127.0.0.1:${webPort}/live/gone.m3u8: HTTP 404` });

    const page = await stream(`http://127.0.0.1:${webPort}/offline.html`).probe(signal());
    expect(page.checks[0]!.detail).toBe(`http://127.0.0.1:${webPort}/offline.html: not an HLS playlist (it starts "<html>the stream is ")`);
  });

  it('asks an RTSP server for a TCP connection, and says when nothing listens; never shows the credentials', async () => {
    expect((await stream(`rtsp://127.0.0.1:${rtspPort}/program`).probe(signal())).status).toBe('ok');
    const closed = await freePort();
    const refused = await stream(`rtsp://viewer:secret@127.0.0.1:${closed}/program`).probe(signal());
    expect(refused).toMatchObject({ status: 'failed', metrics: { scheme: 'rtsp' } });
    expect(refused.checks[0]!.detail).toBe(`rtsp://***@127.0.0.1:${closed}/program: 127.0.0.1:${closed}: ECONNREFUSED`);
  });

  it('listens to UDP and SRT rather than asking (the media watch says whether they carry a picture)', async () => {
    const udp = await stream('udp://127.0.0.1:5004').probe(signal());
    expect(udp).toEqual({
      status: 'ok',
      checks: [{ name: 'endpoint', status: 'ok', latencyMs: 0, detail: 'udp: listened to, not asked' }],
      metrics: { scheme: 'udp' },
    });
  });

  it('gives its URL as its media, and nothing else', async () => {
    const driver = stream('srt://127.0.0.1:9000?mode=caller');
    await driver.connect(signal());
    expect(await driver.mediaFeed!({ fromDriver: 'stream' }, signal())).toEqual({ kind: 'url', url: 'srt://127.0.0.1:9000?mode=caller' });
    await expect(driver.mediaFeed!({ fromDriver: 'screenshots' }, signal())).rejects.toThrow(
      'the stream driver gives its stream, not screenshots',
    );
    await expect(driver.execute('activate', {}, signal())).rejects.toThrow('the stream driver has no action "activate"');
  });
});
