/**
 * The "platform playback": HLS over HTTP on loopback, served from the directory an HLS muxer (ffmpeg's,
 * in MediaSourceSimulator) writes, with the ways a streaming platform's output goes wrong while its
 * servers keep answering 200:
 * - `stall()`: the playlist stops advancing (the same playlist, its segments still served);
 * - `setBehind(ms)`: the playlist advances but holds back its newest segments, so what viewers get is
 *   `ms` later than what the encoder sent (its EXT-X-PROGRAM-DATE-TIME says how late);
 * - `setLateSegments(ms)`: each segment's answer starts `ms` late (a slow CDN edge).
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import { parseMediaPlaylist, renderWindow, type MediaPlaylist } from './hls-playlist.ts';

export interface HlsPlatformOptions {
  /** Where the muxer writes the playlist and its segments. */
  dir: string;
  /** The playlist's file name in `dir`, also its path on the server. */
  playlistName?: string;
  /** Segments in the served playlist (ffmpeg may keep more in its own, for `setBehind`). */
  windowSegments?: number;
  log?: Logger;
}

const SEGMENT_PATH = /^\/([\w-]+\.ts)$/;

export class HlsPlatformSimulator {
  private server: http.Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly o: Required<Omit<HlsPlatformOptions, 'log'>>;
  private readonly log: Logger;
  private behindMs = 0;
  private segmentDelayMs = 0;
  /** While stalled: the playlist as served when it stalled, and its segments' bytes (the muxer deletes old ones). */
  private frozen: { text: string; segments: Map<string, Buffer> } | undefined;
  port = 0;
  playlistRequests = 0;
  segmentRequests = 0;

  constructor(options: HlsPlatformOptions) {
    this.o = { playlistName: 'live.m3u8', windowSegments: 6, ...options };
    this.log = options.log ?? silentLogger();
  }

  /** The playback URL viewers (and a watcher) open. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/${this.o.playlistName}`;
  }

  get stalled(): boolean {
    return this.frozen !== undefined;
  }

  async listen(port = 0): Promise<number> {
    const server = http.createServer((req, res) => void this.route(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** The muxer's playlist as it is on disk now, or undefined before its first segment. */
  async currentPlaylist(): Promise<MediaPlaylist | undefined> {
    const text = await readFile(path.join(this.o.dir, this.o.playlistName), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseMediaPlaylist(text);
  }

  /** The playlist stops advancing; it and its segments keep being served with 200. */
  async stall(): Promise<void> {
    if (this.frozen) return;
    const playlist = await this.currentPlaylist();
    const text = playlist ? renderWindow(playlist, this.o.windowSegments, this.behindMs) : '#EXTM3U\n';
    const segments = new Map<string, Buffer>();
    for (const s of parseMediaPlaylist(text).segments) {
      const bytes = await readFile(path.join(this.o.dir, s.uri)).catch(() => undefined);
      if (bytes) segments.set(s.uri, bytes);
    }
    this.frozen = { text, segments };
    this.log.info({ event: 'hls-stall', segments: segments.size }, 'platform playlist stalled');
  }

  resume(): void {
    this.frozen = undefined;
    this.log.info({ event: 'hls-resume' }, 'platform playlist advances again');
  }

  /** Holds back the newest segments adding up to `ms` (0: serve the live edge). */
  setBehind(ms: number): void {
    this.behindMs = ms;
  }

  /** Starts each segment's answer `ms` late (0: at once). */
  setLateSegments(ms: number): void {
    this.segmentDelayMs = ms;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.answer(res, 405, 'text/plain', 'method not allowed');
    if (url.pathname === `/${this.o.playlistName}`) {
      this.playlistRequests += 1;
      const text = this.frozen?.text ?? (await this.liveText());
      if (text === undefined) return this.answer(res, 404, 'text/plain', 'not live yet');
      return this.answer(res, 200, 'application/vnd.apple.mpegurl', text);
    }
    const segment = SEGMENT_PATH.exec(url.pathname)?.[1];
    if (!segment) return this.answer(res, 404, 'text/plain', 'no such file');
    this.segmentRequests += 1;
    const bytes = this.frozen?.segments.get(segment) ?? (await readFile(path.join(this.o.dir, segment)).catch(() => undefined));
    if (!bytes) return this.answer(res, 404, 'text/plain', 'no such segment');
    if (this.segmentDelayMs <= 0) return this.answer(res, 200, 'video/mp2t', bytes);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.answer(res, 200, 'video/mp2t', bytes);
    }, this.segmentDelayMs);
    this.timers.add(timer);
  }

  private async liveText(): Promise<string | undefined> {
    const playlist = await this.currentPlaylist();
    return playlist && renderWindow(playlist, this.o.windowSegments, this.behindMs);
  }

  private answer(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }
}
