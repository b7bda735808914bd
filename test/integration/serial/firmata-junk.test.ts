/**
 * Issue 20, point 18: a Firmata link spewing junk is not healthy. Junk injected on a real pty between
 * a board simulator and an agent (driver firmata, the library profile arduino-uno-relay-tally): the
 * controller sees the board degraded, with the reason, while its commands still work; the agent survives.
 */
import { describe, expect, it } from 'vitest';
import { createPtyPair } from '../../../lib/serial/pty-pair.ts';
import { topic } from '../../../protocols/contract.ts';
import { registerStudio } from '../../../studio-harness/catalog-setup.ts';
import { FirmataBoardSimulator } from '../../../simulators/firmata-board.ts';
import { cleanupAfterEach, closeClient, rawClient, startAgent, startController, waitUntil } from '../helpers.ts';

const cleanup = cleanupAfterEach();

/** Line noise: mostly 7-bit bytes with no command before them, now and then a command no board sends. */
function junk(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 11 === 10 ? 0xf4 : Math.floor(Math.random() * 0x80)));
}

describe('a Firmata board whose link spews junk', () => {
  it('is degraded with the reason while the junk flows, and still switches its lamps', async () => {
    const pair = await createPtyPair();
    cleanup.defer(() => pair.close());
    const board = new FirmataBoardSimulator(pair.b);
    cleanup.defer(() => board.stop());
    await board.start();
    const controller = await startController({ dataDir: cleanup.tempDir() });
    cleanup.defer(() => controller.stop());
    const agent = await startAgent(controller.brokerUrl, 'agent-a', []);
    cleanup.defer(() => agent.stop());
    await registerStudio(controller.brokerUrl, {
      by: 'technician',
      devices: [
        {
          agent: 'agent-a',
          device: 'gpio-1',
          profile: 'arduino-uno-relay-tally',
          probe: { intervalMs: 200, timeoutMs: 1_000 },
          options: { path: pair.a, tallies: { 'cam-1': 12 } },
        },
      ],
      slots: [],
    });
    const gpio = () => controller.status().devices.find((d) => d.device === 'gpio-1');
    await waitUntil(() => gpio()?.status === 'ok', 15_000, 'board ok');

    // 16 bytes every 10 ms, as a loose ground would make it: the junk counter passes its bound within a second.
    const spew = setInterval(() => board.sendRaw(junk(16)), 10);
    cleanup.defer(async () => clearInterval(spew));
    await waitUntil(() => gpio()?.status === 'degraded', 10_000, 'board degraded').catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(gpio())}`);
    });
    expect(gpio()?.detail).toMatch(/bytes of junk from the board in the last minute/);

    const client = await rawClient(controller.brokerUrl);
    cleanup.defer(() => closeClient(client));
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'lamp-1', device: 'gpio-1', action: 'tally-on', params: { tally: 'cam-1' }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await closeClient(client);
    await waitUntil(() => board.digital(12) === 1, 5_000, 'the lamp lit through the junk');
    clearInterval(spew);
    expect(gpio()?.status, 'noisy, not failed').toBe('degraded');
  }, 60_000);
});
