/**
 * An agent stopped while a command still runs on a hung device: the command ends after the MQTT
 * client is closed, and its result has nobody to go to. It must end quietly, not throw out of the
 * agent (mqtt.js throws on a publish after its stores closed): seen as an unhandled rejection that
 * failed a test run on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../controller/controller.ts';
import { topic } from '../../protocols/contract.ts';
import { closeClient, rawClient, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let controller: Controller;

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: dir });
});

afterAll(async () => {
  await controller.stop();
  removeDir(dir);
});

describe('agent stop', () => {
  it('a command that ends after stop() is dropped quietly', async () => {
    const thrown: unknown[] = [];
    const onRejection = (err: unknown): void => void thrown.push(err);
    process.on('unhandledRejection', onRejection);
    try {
      const agent = await startAgent(controller.brokerUrl, 'agent-s', [{ id: 'cam-1', kind: 'camera', fault: 'dead' }]);
      const client = await rawClient(controller.brokerUrl);
      const results: Array<{ status: string }> = [];
      client.on('message', (_t, p) => void results.push(JSON.parse(p.toString()) as { status: string }));
      await client.subscribeAsync(topic.commandResult('agent-s'), { qos: 1 });
      await client.publishAsync(
        topic.command('agent-s'),
        JSON.stringify({ id: 'slow-1', device: 'cam-1', action: 'activate', params: {}, ttlMs: 10_000, issuedBy: 'test' }),
        { qos: 1 },
      );
      await waitUntil(() => results.some((r) => r.status === 'accepted'), 10_000, 'the command accepted');
      await agent.stop();
      await closeClient(client);
      // The hung action gives up after the agent's actionTimeoutMs (500 ms); its end must throw nothing.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(thrown).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
