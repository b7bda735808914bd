/**
 * Live pictures end to end (issue 24): an agent watches a real ffmpeg-made stream on loopback with
 * its real ffmpeg, whose second output makes a 320 px JPEG a second; the agent publishes the newest
 * over the embedded broker (logins on), the controller keeps it and serves it over HTTP to a logged-in
 * viewer with its ETag and age. A picture over the bound is refused by the broker, and another
 * agent cannot publish on this agent's picture topic.
 */
import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { connectMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { silentLogger } from '../../lib/logger.ts';
import { pictureTopic } from '../../protocols/picture-topic.ts';
import { PICTURE_AGE_HEADER, PICTURE_MAX_BYTES, pictureUrl } from '../../protocols/pictures.ts';
import type { LiveMediaView } from '../../protocols/live-media.ts';
import { MediaSourceSimulator, freeUdpPort } from '../../simulators/media-source.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { closeClient, rawClient, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

type Controller = Awaited<ReturnType<typeof startController>>;
const AGENT = 'rack';
const VIEWER = { name: 'vic', password: 'viewer password 12' };

describe.runIf(hasFfmpeg())('live pictures from the agent’s media watch to the wall (needs Debian’s ffmpeg)', () => {
  let dir: string;
  let controller: Controller;
  let agent: Agent;
  let stream: MediaSourceSimulator;
  let watcher: MqttClient;
  const arrivals: Array<{ at: number; bytes: number; hash: string }> = [];
  const basic = `Basic ${Buffer.from(`${VIEWER.name}:${VIEWER.password}`).toString('base64')}`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${controller.httpUrl}${path}`, { headers: { authorization: basic, ...headers } });
  /** A client logged in as another enrolled agent (its own credential). */
  const asAgent = async (id: string) => {
    const secret = await controller.identities.enrollAgent(id);
    const port = new URL(controller.brokerUrl).port;
    const client = connectMqtt({
      url: `mqtt://${encodeURIComponent(`agent/${id}`)}:${encodeURIComponent(secret)}@127.0.0.1:${port}`,
      clientId: `onair-agent-${id}:test`,
      log: silentLogger(),
    });
    client.on('error', () => undefined);
    await waitForConnect(client, 5_000);
    return client;
  };
  /** Resolves true if the broker closes the client within `ms` (a refused publish closes it). */
  const closedWithin = (client: MqttClient, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      client.once('close', () => (clearTimeout(timer), resolve(true)));
    });

  beforeAll(async () => {
    dir = tempDir();
    controller = await startController({ dataDir: dir, config: { http: { enabled: true, port: 0, host: '127.0.0.1' } } });
    await controller.identities.addUser(VIEWER.name, 'viewer', VIEWER.password);
    stream = new MediaSourceSimulator({ transport: { kind: 'udp', port: await freeUdpPort() }, content: 'normal' });
    await stream.start();
    watcher = await rawClient(controller.brokerUrl);
    watcher.on('message', (t, payload) => {
      if (t === pictureTopic(AGENT, 'cam-1'))
        arrivals.push({ at: Date.now(), bytes: payload.length, hash: createHash('sha1').update(payload).digest('hex') });
    });
    await watcher.subscribeAsync(pictureTopic(AGENT, '+'), { qos: 0 });
    agent = await startAgent(controller.brokerUrl, AGENT, [], {
      devices: [
        {
          id: 'cam-1',
          driver: 'stream',
          options: { url: stream.url },
          probe: { intervalMs: 250 },
          media: { source: { fromDriver: 'stream' }, role: 'source' },
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    if (watcher) await closeClient(watcher);
    await stream?.stop();
    await controller?.stop();
    removeDir(dir);
  });

  it('a thumbnail reaches the controller about once a second and is served as a whole JPEG with its ETag and age', async () => {
    await waitUntil(() => arrivals.length >= 2 || undefined, 20_000, 'pictures published by the agent');
    const first = await get(pictureUrl(AGENT, 'cam-1'));
    expect(first.status).toBe(200);
    const jpeg = Buffer.from(await first.arrayBuffer());
    expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(jpeg.length).toBeLessThan(PICTURE_MAX_BYTES);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(Number(first.headers.get(PICTURE_AGE_HEADER))).toBeLessThan(3_000);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);

    // The same picture again: 304, no body.
    const again = await get(pictureUrl(AGENT, 'cam-1'), { 'if-none-match': etag });
    expect([200, 304]).toContain(again.status);
    if (again.status === 304) expect((await again.arrayBuffer()).byteLength).toBe(0);

    // About once a second: over 4 s of arrivals, 3 to 6 pictures, and a new ETag served.
    const from = Date.now();
    await waitUntil(() => Date.now() - from >= 4_000, 6_000, 'four seconds of pictures');
    const inWindow = arrivals.filter((a) => a.at >= from);
    expect(inWindow.length).toBeGreaterThanOrEqual(3);
    expect(inWindow.length).toBeLessThanOrEqual(6);
    // The test pattern moves: each picture is a new one (ffmpeg's fps filter repeats only the very first at its start).
    expect(new Set(inWindow.map((a) => a.hash)).size).toBeGreaterThanOrEqual(inWindow.length - 1);
    const later = await get(pictureUrl(AGENT, 'cam-1'), { 'if-none-match': etag });
    expect(later.status).toBe(200);
    expect(later.headers.get('etag')).not.toBe(etag);
  }, 40_000);

  it('needs a login, says 404 in JSON for a device without pictures, and lists the device’s media state', async () => {
    const anonymous = await fetch(`${controller.httpUrl}${pictureUrl(AGENT, 'cam-1')}`);
    expect(anonymous.status).toBe(401);
    const none = await get(pictureUrl(AGENT, 'no-such-camera'));
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(/no live picture of rack\/no-such-camera/);
    const media = (await (await get('/api/live-media')).json()) as LiveMediaView;
    expect(media.devices.find((d) => d.device === 'cam-1')).toMatchObject({ agent: AGENT, picture: true, faults: [] });
  });

  it('refuses a picture over the bound at the broker, and another agent’s publish on this agent’s picture topic', async () => {
    const served = async () => (await get(pictureUrl(AGENT, 'cam-1'))).headers.get('etag');
    // An agent's own topic, a device it may name, a payload over the bound: refused, the client closed.
    const big = await asAgent('big-sender');
    const oversize = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(PICTURE_MAX_BYTES + 1), Buffer.from([0xff, 0xd9])]);
    const bigClosed = closedWithin(big, 3_000);
    big.publish(pictureTopic('big-sender', 'cam-9'), oversize, { qos: 0 });
    expect(await bigClosed).toBe(true);
    await closeClient(big);

    // Another agent on rack's topic: refused, closed; what rack's camera shows is still rack's.
    const intruder = await asAgent('intruder');
    const forged = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const intruderClosed = closedWithin(intruder, 3_000);
    intruder.publish(pictureTopic(AGENT, 'cam-1'), forged, { qos: 0 });
    expect(await intruderClosed).toBe(true);
    await closeClient(intruder);
    const body = Buffer.from(await (await get(pictureUrl(AGENT, 'cam-1'))).arrayBuffer());
    expect(body.length).toBeGreaterThan(forged.length);
    expect(await served()).toBeTruthy();
  }, 20_000);
});
