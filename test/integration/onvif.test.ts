/** The onvif driver (the real `onvif` package) against the ONVIF camera simulator over HTTP/SOAP on loopback. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { withTimeout } from '../../lib/timeout.ts';
import { createOnvifDriver, type OnvifOptions } from '../../agent/drivers/onvif/driver.ts';
import type { Driver } from '../../agent/driver.ts';
import { OnvifCameraSimulator, type OnvifCameraOptions } from '../../simulators/onvif-camera.ts';
import { cleanupAfterEach, eventually } from './helpers.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';

const cleanup = cleanupAfterEach();
let camera: OnvifCameraSimulator;
let driver: Driver;
const env = { CAM_PASSWORD: 'secret' };

async function start(cam: OnvifCameraOptions = {}, over: Partial<OnvifOptions> = {}): Promise<void> {
  camera = new OnvifCameraSimulator(cam);
  cleanup.defer(() => camera.stop());
  const port = await camera.listen();
  driver = createOnvifDriver(env).create({
    state: memoryKeptState(),
    deviceId: 'cam-ip-1',
    log: silentLogger(),
    options: {
      host: '127.0.0.1',
      port,
      username: 'admin',
      passwordEnv: 'CAM_PASSWORD',
      auth: 'ws-security',
      maxClockOffsetMs: 5_000,
      snapshot: true,
      requestTimeoutMs: 500,
      ...over,
    },
  });
  cleanup.defer(() => driver.close());
}
const connect = () => withTimeout('connect', 3_000, (signal) => driver.connect(signal));
const probe = (ms = 2_000) => withTimeout('probe', ms, (signal) => driver.probe(signal));
const act = (action: string, params: Record<string, unknown> = {}) =>
  withTimeout(action, 2_000, (signal) => driver.execute(action, params, signal));

describe('onvif driver', () => {
  it('reports reachability, device information, stream, snapshot and PTZ status', async () => {
    await start();
    await connect();
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(health.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['clock:ok', 'stream:ok', 'snapshot:ok', 'ptz:ok']);
    expect(health.metrics).toMatchObject({
      manufacturer: 'OnAir Labs',
      model: 'SimPTZ-20X',
      firmware: '6.3.34',
      clockOffsetMs: 0,
      moveStatus: 'IDLE',
    });
    expect(camera.authFailures).toBe(0);
  });

  it('authenticates with a camera whose clock is two minutes off, and reports the skew as degraded', async () => {
    await start({ clockOffsetMs: 120_000 });
    await connect();
    const health = await probe();
    expect(camera.authFailures).toBe(0); // Created was shifted by the measured offset
    expect(health.status).toBe('degraded');
    expect(health.checks[0]).toMatchObject({ name: 'clock', status: 'degraded', detail: 'camera clock is 120 s off (limit 5 s)' });
  });

  it('is refused with a wrong password, with the camera’s reason', async () => {
    await start({ password: 'other' });
    await expect(connect()).rejects.toThrow(/Sender not Authorized: wrong password digest/);
  });

  it('works with a camera that demands HTTP Digest, snapshots included', async () => {
    await start({ auth: 'digest' }, { auth: 'digest' });
    await connect();
    const health = await probe();
    expect(health.checks.find((c) => c.name === 'snapshot')?.status).toBe('ok');
    expect(health.status).toBe('ok');
  });

  it('goes to presets by name or token, and stores new ones', async () => {
    await start();
    await connect();
    await expect(act('goto-preset', { preset: 'close' })).resolves.toEqual({ data: { preset: '2' } });
    await eventually(async () => camera.position.zoom === 0.6, 1_000, 'the move');
    await expect(act('activate', { preset: 1 })).resolves.toEqual({ data: { preset: '1' } });
    await expect(act('goto-preset', { preset: 'stage' })).rejects.toThrow('no preset "stage"; presets: wide (1), close (2)');
    await expect(act('set-preset', { name: 'stage' })).resolves.toEqual({ data: { name: 'stage', token: '3' } });
    await expect(act('goto-preset', { preset: 'stage' })).resolves.toEqual({ data: { preset: '3' } });
    await expect(act('standby')).resolves.toEqual({ data: {} });
  });

  it('degrades on an empty snapshot and fails on a camera that stops answering or talks nonsense', async () => {
    await start();
    await connect();
    camera.setFault('no-snapshot');
    expect((await probe()).checks.find((c) => c.name === 'snapshot')).toMatchObject({
      status: 'degraded',
      detail: 'snapshot is not a JPEG (0 bytes)',
    });
    camera.setFault('protocol-error');
    await expect(probe()).rejects.toThrow();
    camera.setFault('dead');
    await expect(probe(1_000)).rejects.toThrow(/Network timeout|timed out/);
    camera.setFault('none');
    expect((await probe()).status).toBe('ok'); // HTTP per request: nothing to reconnect by hand
  });
});

describe('WS-Discovery (unicast to 127.0.0.1 only)', () => {
  it('finds the camera, resending probes that get lost', async () => {
    const { discover } = await import('../../lib/net/ws-discovery.ts');
    await start();
    const port = await camera.listenForProbes();
    camera.loseProbes = 2; // a lossy network: only the third probe gets through
    const found = await discover({ targets: [{ address: '127.0.0.1', port }], timeoutMs: 1_200, resends: 3 });
    expect(found).toEqual([
      expect.objectContaining({ xaddrs: [`${camera.url}/onvif/device_service`], types: ['dn:NetworkVideoTransmitter'], from: '127.0.0.1' }),
    ]);
    expect(found[0]!.scopes).toContain('onvif://www.onvif.org/name/SimPTZ-20X');
  });

  it('ignores a ProbeMatches that answers someone else’s probe', async () => {
    const { parseProbeMatch } = await import('../../lib/net/ws-discovery.ts');
    const xml =
      '<e:Envelope><e:Header><a:RelatesTo>urn:uuid:other</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch><d:XAddrs>http://x/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>';
    expect(parseProbeMatch(xml, 'mine')).toBeUndefined();
    expect(parseProbeMatch(xml.replace('urn:uuid:other', 'urn:uuid:mine'), 'mine')).toMatchObject({
      xaddrs: ['http://x/onvif/device_service'],
    });
  });
});

describe('ONVIF camera simulator', () => {
  it('refuses what a real camera refuses: no credentials, an unknown profile token', async () => {
    const { passwordDigest } = await import('../../simulators/onvif-camera.ts');
    await start();
    const post = (body: string) =>
      fetch(`${camera.url}/onvif/media_service`, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml' }, body }).then(
        async (r) => ({ status: r.status, text: await r.text() }),
      );
    const created = new Date().toISOString();
    const nonce = Buffer.from('0123456789abcdef').toString('base64');
    const security = `<Security><UsernameToken><Username>admin</Username><Password>${passwordDigest(nonce, created, 'secret')}</Password><Nonce>${nonce}</Nonce><Created>${created}</Created></UsernameToken></Security>`;
    const envelope = (header: string, op: string) =>
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${op}</s:Body></s:Envelope>`;
    const unauthenticated = await post(envelope('', '<GetStreamUri><ProfileToken>Profile_1</ProfileToken></GetStreamUri>'));
    expect(unauthenticated.status).toBe(400);
    expect(unauthenticated.text).toContain('Sender not Authorized: no UsernameToken');
    const wrongProfile = await post(envelope(security, '<GetStreamUri><ProfileToken>nope</ProfileToken></GetStreamUri>'));
    expect(wrongProfile.text).toContain('ter:NoProfile');
    const ok = await post(envelope(security, '<GetStreamUri><ProfileToken>Profile_1</ProfileToken></GetStreamUri>'));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('rtsp://');
  });
});
