/**
 * `onair controller` as systemd runs it (issue 20, point 9). A lone controller whose external broker
 * (Debian's Mosquitto, with the generated logins) is down when it starts stays up: /healthz answers
 * 200, /readyz 503 with the reason, past the 10 s a waiting start used to give up after; once
 * Mosquitto comes up on its port the controller connects, becomes ready and works (an agent started
 * meanwhile is heard and its device is in status). And a start that fails half-way (the HTTP port
 * taken, the embedded broker already listening) exits non-zero instead of staying alive for ever.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Store } from '../../controller/store/store.ts';
import { systemClock } from '../../lib/clock.ts';
import { onairBin } from '../../lib/paths.ts';
import { agentProcess, freePort, hasMosquitto, ManagedProcess, mosquittoProcess, waitForPort } from '../support/processes.ts';
import { PASSWORDS } from '../support/forgery.ts';
import { eventually, removeDir, runOnair, tempDir } from './helpers.ts';

const dirs: string[] = [];
const processes: ManagedProcess[] = [];
afterAll(async () => {
  for (const p of processes.reverse()) await p.kill();
  if (!process.env.KEEP_TEST_DIR) dirs.forEach(removeDir);
});

const get = async (url: string, headers: Record<string, string> = {}, body?: unknown) => {
  try {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, body: await response.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
};

describe('onair controller at start', () => {
  it('exits non-zero when its start fails half-way, whatever it left open', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as net.AddressInfo;
    try {
      // The embedded broker listens and the timers run before the HTTP port turns out to be taken.
      const child = spawn(
        process.execPath,
        [onairBin(), 'controller', '--port', '0', '--http-port', String(port), '--data', path.join(dir, 'data')],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      expect(stderr).toMatch(/EADDRINUSE/);
      expect(code, 'exited by itself, not killed after 30 s').toBe(1);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  }, 40_000);

  it('stops cleanly (exit 0) on SIGTERM while its external broker has never answered', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const httpPort = await freePort();
    const file = path.join(dir, 'controller.yaml');
    writeFileSync(
      file,
      stringify({
        dataDir: 'data',
        broker: { embedded: false, url: `mqtt://127.0.0.1:${await freePort()}` },
        http: { port: httpPort, host: '127.0.0.1' },
      }),
    );
    const child = spawn(process.execPath, [onairBin(), 'controller', '--config', file], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(async () => (await get(`http://127.0.0.1:${httpPort}/healthz`)).status === 200, 30_000, '/healthz');
    expect((await get(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(503);
    child.kill('SIGTERM');
    // Its own forced exit after SIGTERM is 5 s with code 1: 0 means it stopped in order.
    expect(await exited).toBe(0);
  }, 40_000);

  it.skipIf(!hasMosquitto())(
    'stays alive and not ready while its Mosquitto is down, then connects and works',
    async () => {
      const dir = tempDir();
      dirs.push(dir);
      const data = path.join(dir, 'data');
      const login = await runOnair('mqtt://127.0.0.1:1', 'broker', 'controller-login', '--data', data);
      expect(login.code, login.stderr).toBe(0);
      writeFileSync(path.join(dir, 'controller.password'), `${/^ {2}(\S{43})$/m.exec(login.stdout)![1]!}\n`, { mode: 0o600 });
      const store = new Store(data);
      const ids = store.identities(systemClock);
      const agentSecret = await ids.enrollAgent('agent-a');
      await ids.addUser('eve', 'engineer', PASSWORDS.eve);
      await store.close();
      const written = await runOnair(
        'mqtt://127.0.0.1:1',
        'broker',
        'mosquitto-config',
        '--data',
        data,
        '--out',
        path.join(dir, 'mosquitto-onair'),
      );
      expect(written.code, written.stderr).toBe(0);
      // Its port is chosen now; it starts later.
      const mosquitto = await mosquittoProcess(path.join(dir, 'mosquitto'), { includeDir: path.join(dir, 'mosquitto-onair') });
      processes.push(mosquitto);

      const httpPort = await freePort();
      const file = path.join(dir, 'controller.yaml');
      writeFileSync(
        file,
        stringify({
          dataDir: 'data',
          broker: { embedded: false, url: mosquitto.url, username: 'controller/main', passwordFile: 'controller.password' },
          http: { port: httpPort, host: '127.0.0.1' },
        }),
      );
      const logFile = path.join(dir, 'controller.log');
      const controller = new ManagedProcess({
        name: 'controller',
        command: process.execPath,
        args: [onairBin(), 'controller', '--config', file],
        logFile,
      });
      processes.push(controller);
      controller.start();
      const http = `http://127.0.0.1:${httpPort}`;
      await eventually(
        async () => (await get(`${http}/healthz`)).status === 200,
        30_000,
        'the controller answering /healthz without its broker',
      );
      const notReady = await get(`${http}/readyz`);
      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.body)).toMatchObject({
        status: 'error',
        error: expect.stringMatching(/^the broker is not connected \(.*ECONNREFUSED/),
      });

      // Past the moment a waiting start gave up (and past the longest reconnect backoff, 10 s).
      await eventually(
        async () => readFileSync(logFile, 'utf8').includes('no answer from the MQTT broker within 10000 ms'),
        30_000,
        'the controller saying it is still trying',
      );
      await new Promise((r) => setTimeout(r, 1_000));
      expect(controller.running, 'still running').toBe(true);
      expect((await get(`${http}/healthz`)).status).toBe(200);
      expect((await get(`${http}/readyz`)).status).toBe(503);

      // The agent is started before the broker too, as at a studio's power-up.
      const agent = await agentProcess(
        dir,
        'agent-a',
        `mqtt://${encodeURIComponent('agent/agent-a')}:${encodeURIComponent(agentSecret)}@127.0.0.1:${mosquitto.port}`,
        {
          devices: [
            { id: 'cam-1', driver: 'simulated', kind: 'camera', probe: { intervalMs: 100, timeoutMs: 80 }, options: { kind: 'camera' } },
          ],
        },
      );
      processes.push(agent);
      agent.start();
      mosquitto.start();
      await waitForPort(mosquitto.port, 10_000);
      await eventually(async () => (await get(`${http}/readyz`)).status === 200, 30_000, 'the controller ready once Mosquitto is up');
      const auth = { authorization: `Basic ${Buffer.from(`eve:${PASSWORDS.eve}`).toString('base64')}` };
      await eventually(
        async () => {
          const status = await get(`${http}/api/status`, auth, {});
          if (status.status !== 200) return false;
          const devices = (JSON.parse(status.body) as { data: { devices: Array<{ agent: string; device: string; status: string }> } }).data
            .devices;
          return devices.some((d) => d.agent === 'agent-a' && d.device === 'cam-1' && d.status === 'ok');
        },
        30_000,
        "agent-a's camera ok in the controller's status",
      );
      expect(readFileSync(logFile, 'utf8')).toMatch(/connected to the MQTT broker/);
      await controller.stop();
      expect(controller.running).toBe(false);
    },
    120_000,
  );
});
