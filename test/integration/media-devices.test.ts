/**
 * A device's picture in its health, end to end: an agent runs `stream` devices watching real
 * ffmpeg-made streams on loopback, and publishes their health over MQTT. One is configured in the
 * agent's own file and sends black: its `picture` check fails and so does the device, though its
 * endpoint is fine. One is registered with the controller from the stream probe's profile, its URL
 * the only thing the unit gives: the desired config carries the profile's media, and its moving
 * picture passes. And an ONVIF camera (the simulator, its streams real) watched on the stream its
 * driver finds: GetStreamUri of its substream; black on command fails its picture, ONVIF still fine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { topic } from '../../protocols/contract.ts';
import type { DesiredConfig } from '../../protocols/device-config.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { OnvifCameraSimulator } from '../../simulators/onvif-camera.ts';
import { MediaSourceSimulator, freeUdpPort } from '../../simulators/media-source.ts';
import type { SourceContent } from '../../simulators/media-content.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { closeClient, collect, rawClient, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

const AGENT = 'rack';

describe.runIf(hasFfmpeg())('a stream device watched by its agent (needs Debian’s ffmpeg; CI installs it)', () => {
  let dir: string;
  let controller: Controller;
  let agent: Agent;
  let client: MqttClient;
  let health: Array<{ topic: string; payload: unknown }>;
  let desired: Array<{ topic: string; payload: unknown }>;
  const streams: MediaSourceSimulator[] = [];
  /** A live stream over UDP on loopback with this content (640x360 H.264 + AAC, from ffmpeg). */
  const udpStream = async (content: SourceContent) => {
    const stream = new MediaSourceSimulator({ transport: { kind: 'udp', port: await freeUdpPort() }, content });
    streams.push(stream);
    await stream.start();
    return stream;
  };
  const camera = new OnvifCameraSimulator({ password: 'rack-secret', media: { transport: 'srt' } });

  beforeAll(async () => {
    dir = tempDir();
    controller = await startController({ dataDir: dir });
    const [black, bars] = [await udpStream('black'), await udpStream('normal')];
    const cameraPort = await camera.listen();
    process.env.ONAIR_TEST_CAMERA_PASSWORD = 'rack-secret';
    client = await rawClient(controller.brokerUrl);
    health = await collect(client, topic.deviceHealth(AGENT, '+'));
    desired = await collect(client, topic.desiredConfig(AGENT));
    agent = await startAgent(controller.brokerUrl, AGENT, [], {
      devices: [
        {
          id: 'program-out',
          driver: 'stream',
          options: { url: black.url },
          probe: { intervalMs: 250 },
          media: { source: { fromDriver: 'stream' }, role: 'program', picture: { blackForMs: 1_000 } },
        },
        {
          id: 'cam-ip',
          driver: 'onvif',
          options: { host: '127.0.0.1', port: cameraPort, username: 'admin', passwordEnv: 'ONAIR_TEST_CAMERA_PASSWORD' },
          probe: { intervalMs: 250 },
          media: { source: { fromDriver: 'stream' } },
        },
      ],
    });
    await registerStudio(controller.brokerUrl, {
      devices: [
        { agent: AGENT, device: 'viewers', profile: 'generic-stream-probe', options: { url: bars.url }, probe: { intervalMs: 250 } },
      ],
      slots: [],
      by: 'technician',
    });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    if (client) await closeClient(client);
    await controller?.stop();
    await Promise.all([...streams.map((s) => s.stop()), camera.stop()]);
    delete process.env.ONAIR_TEST_CAMERA_PASSWORD;
    removeDir(dir);
  });

  const latest = (device: string) =>
    health
      .filter((h) => h.topic === topic.deviceHealth(AGENT, device))
      .map((h) => h.payload as DeviceHealth)
      .at(-1);
  const picture = (device: string) => latest(device)?.checks.find((c) => c.name === 'picture');

  it('publishes black as a failed picture, and the device failed while its endpoint answers', async () => {
    // Under load the analyser may take longer to open the stream than no-signal's 2 s: black is the fault awaited.
    await waitUntil(
      () => picture('program-out')?.status === 'failed' && /black/.test(picture('program-out')?.detail ?? ''),
      20_000,
      'program-out picture failed: black',
    );
    const report = latest('program-out')!;
    expect(report.status).toBe('failed');
    expect(report.checks.find((c) => c.name === 'endpoint')).toMatchObject({ status: 'ok' });
    expect(picture('program-out')!.detail).toMatch(/black/);
    expect(String(report.metrics.contentFaults)).toContain('black');
  });

  it("runs a registered unit with its profile's media, and passes a moving picture", async () => {
    await waitUntil(
      () => desired.some((d) => (d.payload as DesiredConfig).devices?.some((c) => c.id === 'viewers')),
      20_000,
      'the desired config with viewers',
    );
    const config = (desired.at(-1)!.payload as DesiredConfig).devices.find((c) => c.id === 'viewers')!;
    expect(config.media).toMatchObject({ source: { fromDriver: 'stream' }, role: 'program', analysis: { width: 320, height: 180 } });
    await waitUntil(
      () => picture('viewers')?.status === 'ok' && latest('viewers')!.metrics.frameAgeMs !== undefined,
      20_000,
      'viewers picture ok',
    );
    expect(latest('program-out')!.status, 'still black').toBe('failed');
  });

  it('watches an ONVIF camera on the substream its driver finds, and fails its picture when it goes black', async () => {
    await waitUntil(() => picture('cam-ip')?.status === 'ok', 20_000, 'cam-ip picture ok');
    await camera.setContent('black');
    await waitUntil(() => picture('cam-ip')?.status === 'failed' && /black/.test(picture('cam-ip')?.detail ?? ''), 20_000, 'cam-ip black');
    const report = latest('cam-ip')!;
    expect(report.status).toBe('failed');
    expect(
      report.checks.filter((c) => c.name !== 'picture').every((c) => c.status !== 'failed'),
      'ONVIF itself still answers',
    ).toBe(true);
    expect(
      report.checks.map((c) => c.name),
      'a source is watched for its picture only',
    ).not.toContain('sound');
  });
});
