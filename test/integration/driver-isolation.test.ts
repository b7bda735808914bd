/**
 * A library's exception never escapes a driver. One Firmata frame (`F0 79 F7`) made firmata-io throw
 * inside the serial port's data event and ended the agent process, and every device on it. Now the
 * frame is dropped, the board and every other device carry on. And whatever a library still throws
 * from its own callbacks is caught by the agent process and charged to the device it came from.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { createPtyPair } from '../../lib/serial/pty-pair.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { agentProcess } from '../support/processes.ts';
import { cleanupAfterEach, startController, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
let dir: string;

describe('an agent process and a board that sends malformed frames', () => {
  it('drops the frames: the agent, the board and the other devices carry on', async () => {
    dir = cleanup.tempDir();
    const pair = await createPtyPair();
    cleanup.defer(() => pair.close());
    const board = new FirmataBoardSimulator(pair.b);
    cleanup.defer(() => board.stop());
    await board.start();
    const controller = await startController({ dataDir: path.join(dir, 'data') });
    cleanup.defer(() => controller.stop());
    const agent = await agentProcess(dir, 'agent-a', controller.brokerUrl);
    cleanup.defer(() => agent.stop());
    agent.start();
    const probe = { intervalMs: 250, timeoutMs: 200 };
    await registerStudio(controller.brokerUrl, {
      by: 'test',
      devices: [
        {
          agent: 'agent-a',
          device: 'gpio-1',
          profile: 'arduino-uno-relay-tally',
          probe,
          options: { path: pair.a, tallies: { 'cam-1': 12 }, relays: {}, lightSensor: { pin: 'A0', brightAbove: 600 } },
        },
        { agent: 'agent-a', device: 'cam-sim', profile: 'simulated-camera', probe },
      ],
      slots: [],
    });
    const device = (id: string) => controller.status().devices.find((d) => d.device === id);
    await waitUntil(() => device('cam-sim')?.status === 'ok' && device('gpio-1')?.status === 'ok', 15_000, 'both ok');
    const session = controller.status().agents[0]!.session;
    for (let i = 0; i < 20; i += 1) board.sendRaw([0xf0, 0x79, 0xf7, 0xf0, 0x6c, 0xf7, 0xf0, 0x6e, 0xf7]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(agent.running).toBe(true);
    expect(controller.status().agents[0]).toMatchObject({ online: true, session }); // the same process
    expect(device('cam-sim')?.status).toBe('ok');
    expect(device('gpio-1')?.status).toBe('ok');
  });
});

describe('the agent process’s last line of defence', () => {
  /** A real process running the built code (npm test builds first): the guard installed as `onair agent` installs it. */
  function run(script: string): Promise<{ code: number; out: string }> {
    const file = path.join(dir, 'guard.mjs');
    writeFileSync(file, script);
    return new Promise((resolve) => {
      execFile(process.execPath, [file], { timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
  }
  const root = path.resolve(import.meta.dirname, '../..');
  const prelude = `
    import net from 'node:net';
    import { pino } from '${root}/node_modules/pino/pino.js';
    import { inDeviceScope, isolateDriverFaults } from '${root}/dist/agent/fault-isolation.js';
    isolateDriverFaults(pino({ level: 'silent' }));
    const server = net.createServer((s) => s.write('bytes')).listen(0);
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address();
  `;

  it('charges an exception thrown from a library callback to the device whose call set it up, and carries on', async () => {
    dir = cleanup.tempDir();
    const { code, out } = await run(`${prelude}
      const faults = [];
      inDeviceScope({ agent: 'a', device: 'cam-1', fault: (err) => faults.push('cam-1: ' + err.message) }, () => {
        net.connect(port).on('data', () => { throw new Error('library bug'); });
      });
      await new Promise((r) => setTimeout(r, 300));
      console.log(JSON.stringify(faults));
      process.exit(0); // still alive after the library's throw: that is the point
    `);
    expect(code).toBe(0);
    expect(out).toContain('["cam-1: library bug"]');
  });

  it('exits (for the service manager to restart it) on an exception from outside any driver', async () => {
    dir = cleanup.tempDir();
    const { code } = await run(`${prelude}
      setTimeout(() => { throw new Error('agent bug'); }, 10);
      await new Promise((r) => setTimeout(r, 2_000));
    `);
    expect(code).toBe(70);
  });
});
