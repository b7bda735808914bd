/**
 * Many 1080p feeds watched at once by one process, as one agent would: a single simulated 1920x1080
 * camera (one encoder, so the machine is not spent encoding) fanned out over loopback UDP by a relay
 * in this process to N ports, each watched by its own createMediaWatch with the default checks.
 * Measures the analysers' total CPU over a window and whether every watch kept a live, fault-free
 * picture throughout (an analyser that cannot keep up falls behind and its frames age past the
 * no-signal duration).
 */
import dgram from 'node:dgram';
import { silentLogger } from '../lib/logger.ts';
import { systemClock } from '../lib/clock.ts';
import { createMediaWatch } from '../agent/media/media-watch.ts';
import { MediaSourceSimulator, freeUdpPort } from '../simulators/media-source.ts';
import { PICTURE, healthy, until, watchConfig } from './media-rig.ts';
import { childPids, cpuPercentOver } from './proc-usage.ts';

export interface FeedsAtOnceResult {
  feeds: number;
  /** Sum over the N analysers, percent of one core; and each one's. */
  totalCpuPercent: number;
  perFeedCpuPercent: number[];
  encoderCpuPercent: number;
  /** Watches whose picture stayed live and fault-free through the window, sampled every 5 ms. */
  keptUp: number;
}

export async function measureFeedsAtOnce(feeds: number, windowMs: number): Promise<FeedsAtOnceResult> {
  const inPort = await freeUdpPort();
  const outPorts = await Promise.all(Array.from({ length: feeds }, () => freeUdpPort()));
  const relay = dgram.createSocket('udp4');
  relay.on('message', (packet) => {
    for (const port of outPorts) relay.send(packet, port, '127.0.0.1');
  });
  await new Promise<void>((resolve) => relay.bind(inPort, '127.0.0.1', resolve));
  const source = new MediaSourceSimulator({ transport: { kind: 'udp', port: inPort }, size: 'main', name: 'bench-fanout' });
  const watches = outPorts.map((port) => {
    const url = `udp://127.0.0.1:${port}`;
    return createMediaWatch({
      deviceId: `feed-${port}`,
      config: watchConfig(url),
      feed: { kind: 'url', url },
      clock: systemClock,
      log: silentLogger(),
    });
  });
  try {
    await source.start();
    await source.whenRunning(20_000);
    for (const w of watches) w.start();
    // Measured whether or not all came up: feeds that never keep up are the answer, not an error.
    await until(() => watches.every((w) => healthy(w)), 30_000, `${feeds} 1080p feeds watched without fault`).catch(() => undefined);
    const encoder = source.pid!;
    const analysers = outPorts.map((port) => {
      const [pid] = childPids(['-progress', `127.0.0.1:${port}`]).filter((p) => p !== encoder);
      if (pid === undefined) throw new Error(`media bench: no analyser on port ${port}`);
      return pid;
    });
    const failing = new Set<number>();
    // Kept up: never a fault, never a frame older than the no-signal duration (ages of ~1 s come and go
    // on a loaded machine between -progress blocks, every 0.5 s, and are no fault).
    const sampler = setInterval(() => watches.forEach((w, i) => healthy(w, PICTURE.noSignalForMs) || failing.add(i)), 5);
    const percents = await cpuPercentOver([...analysers, encoder], windowMs).finally(() => clearInterval(sampler));
    const perFeed = percents.slice(0, feeds);
    return {
      feeds,
      totalCpuPercent: Math.round(perFeed.reduce((a, b) => a + b, 0) * 10) / 10,
      perFeedCpuPercent: perFeed,
      encoderCpuPercent: percents[feeds]!,
      keptUp: feeds - failing.size,
    };
  } finally {
    await Promise.all(watches.map((w) => w.stop()));
    await source.stop();
    relay.close();
  }
}
