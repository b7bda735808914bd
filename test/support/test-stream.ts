/**
 * A live MPEG-TS stream over UDP on loopback, made by Debian's ffmpeg from its own test sources:
 * moving colour bars (or plain black) with a 440 Hz tone, 320x180 at 10 fps — a stream probe's input
 * at a few percent of a core. Content that switches while it runs is the media source simulator's
 * (simulators/media-source.ts); this is the fixed stream a test of the watching side needs.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';

export interface TestStream {
  url: string;
  stop(): Promise<void>;
}

/** A UDP port nothing is bound to now (the stream is sent there; the watcher binds it). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export async function startTestStream(picture: 'bars' | 'black', ffmpeg = 'ffmpeg'): Promise<TestStream> {
  const port = await freeUdpPort();
  const video = picture === 'bars' ? 'testsrc2=size=320x180:rate=10' : 'color=c=black:size=320x180:rate=10';
  const url = `udp://127.0.0.1:${port}`;
  const child = spawn(
    ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
      ...['-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '10'],
      ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'mpegts', `${url}?pkt_size=1316`],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
