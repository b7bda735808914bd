/**
 * The controller's disk fills up during a show. Failover must not depend on the disk: the failure
 * is still detected and failed over, a critical alarm is raised, what cannot be written is held in
 * memory, and all of it is written, in order, once there is space again. The disk is a real one: a
 * small tmpfs filled to the last byte (mounting needs root, as CI has).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../controller/store/store.ts';
import { Watcher } from '../support/watcher.ts';
import { cleanupAfterEach, closeClient, rawClient, registerGear, startAgent, startController, waitUntil } from './helpers.ts';
import { topic } from '../../protocols/contract.ts';

const SLOT = 'studio-a/cam-wide';
const cleanup = cleanupAfterEach();

/** Writes zeros until the filesystem refuses: ENOSPC, for real. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    for (;;) {
      try {
        writeSync(fd, Buffer.alloc(512));
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a full disk', () => {
  it('does not stop failover: the alarm is raised, events are held in memory and written when space returns', async () => {
    const data = path.join(cleanup.tempDir(), 'disk');
    mkdirSync(data);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', data]);
    cleanup.defer(async () => execFileSync('umount', ['-l', data]));
    const controller = await startController({ dataDir: data });
    cleanup.defer(() => controller.stop());
    for (const id of ['agent-a', 'agent-b']) {
      const agent = await startAgent(controller.brokerUrl, id, []);
      cleanup.defer(() => agent.stop());
    }
    await registerGear(
      controller.brokerUrl,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    );
    const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
    await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 5_000, 'cameras ok');
    controller.setOnAir(true, 'engineer', 'show');
    const watcher = await Watcher.start(controller.brokerUrl);
    cleanup.defer(() => watcher.stop());

    fill(path.join(data, 'filler'));
    const client = await rawClient(controller.brokerUrl);
    cleanup.defer(() => closeClient(client));
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'hang', device: 'cam-1', action: 'simulate.fault', params: { mode: 'dead' }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await closeClient(client);

    await waitUntil(() => controller.status().slots[0]?.active?.device === 'cam-2', 5_000, 'failed over with a full disk');
    const alarm = await watcher.waitFor(
      () => watcher.events.find((e) => e.type === 'alarm' && e.data.cause === 'storage'),
      3_000,
      'the storage alarm, live',
    );
    expect(alarm).toMatchObject({ data: { severity: 'critical' }, reason: expect.stringContaining('database or disk is full') });
    expect(controller.status().counters.heldEvents).toBeGreaterThan(0);
    await watcher.waitFor(() => watcher.events.some((e) => e.type === 'failover.succeeded'), 3_000, 'the failover, live');
    // The event log answers with what is held too.
    expect(controller.events({ limit: 10_000 }).some((e) => e.type === 'failover.succeeded')).toBe(true);

    rmSync(path.join(data, 'filler')); // space again
    await waitUntil(
      () => controller.status().counters.heldEvents === 0 && controller.status().counters.heldWrites === 0,
      5_000,
      'everything written',
    );
    await watcher.waitFor(
      () => watcher.events.find((e) => e.type === 'alarm' && e.data.severity === 'cleared'),
      3_000,
      'the alarm cleared',
    );
    await controller.stop();
    const stored = new Store(data);
    try {
      const log = await stored.history.events({ limit: 10_000 });
      const seqs = log.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      for (const e of watcher.events) expect(log.find((s) => s.seq === e.seq)?.type, `event ${e.seq}`).toBe(e.type);
      expect(stored.loadSlotAssignments().get(SLOT)).toEqual({ agent: 'agent-b', device: 'cam-2' });
    } finally {
      await stored.close();
    }
  });
});
