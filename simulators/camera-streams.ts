/**
 * A simulated camera's own streams: a main stream and a substream, as IP cameras encode them, made by
 * MediaSourceSimulator. Both show the same picture (one sensor), so content switches reach both.
 */
import type { SourceContent } from './media-content.ts';
import { MediaSourceSimulator } from './media-source.ts';

export interface CameraStreamOptions {
  transport: 'srt' | 'hls';
  /**
   * Encode the main stream at 1920x1080 too (an encoder of its own, costly in x264 here). Off by
   * default: the main stream's URL then leads to the one 640x360 stream.
   */
  mainStream?: boolean;
  /** The streams begin this long after start(), as a camera's encoder starts after its web server. */
  startDelayMs?: number;
  content?: SourceContent;
  ffmpegPath?: string;
  /** Names the camera in the streams' log lines. */
  name?: string;
}

export class CameraStreams {
  readonly sub: MediaSourceSimulator;
  readonly main: MediaSourceSimulator;

  constructor(o: CameraStreamOptions) {
    const source = (size: 'main' | 'substream') =>
      new MediaSourceSimulator({
        transport: { kind: o.transport },
        size,
        ...(o.content ? { content: o.content } : {}),
        ...(o.startDelayMs ? { startDelayMs: o.startDelayMs } : {}),
        ...(o.ffmpegPath ? { ffmpegPath: o.ffmpegPath } : {}),
        name: `${o.name ?? 'camera'}-${size}`,
      });
    this.sub = source('substream');
    this.main = o.mainStream ? source('main') : this.sub;
  }

  private get sources(): MediaSourceSimulator[] {
    return this.main === this.sub ? [this.sub] : [this.main, this.sub];
  }

  async start(): Promise<void> {
    for (const s of this.sources) await s.start();
  }

  /** The picture and sound on every stream (black: a lens cap; frozen: a hung sensor; silent: a dead mic…). */
  async setContent(content: SourceContent): Promise<void> {
    await Promise.all(this.sources.map((s) => s.setContent(content)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.stop()));
  }
}
