/**
 * Issue 20.7: a new leader logged `failover succeeded` and the backup went live, but the retained
 * slot state stayed `failing_over` (the dead camera active) for 15 s and more. The cause: a leader
 * of a pair publishes nothing while its lead is not proven (a renewal late on a loaded machine, a
 * database session being taken up again), and the failover engine publishes a slot state only when
 * it changed — so the `ok` state dropped at that moment was never sent again. Reproduced here in its
 * exact order: the lead stops being proven after the activate command went out and before the
 * backup's confirmation arrives; once it is proven again, the retained state must say what the
 * controller knows. Real controller, broker and agents; only the lease is driven by the test.
 */
import { describe, expect, it } from 'vitest';
import type { LeaderView } from '../../controller/controller-dependencies.ts';
import { codecs } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import { cleanupAfterEach, closeClient, rawClient, registerGear, simulate, startAgent, startController, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const t = cleanupAfterEach();

/** The lead as the test says: proven or not, and the moment it is proven again. */
class DrivenLead implements LeaderView {
  info = { term: 7, name: 'ctl-test', since: Date.now() };
  proven = true;
  private readonly listeners: Array<() => void> = [];
  fresh(): boolean {
    return this.proven;
  }
  onFresh(listener: () => void): void {
    this.listeners.push(listener);
  }
  prove(): void {
    this.proven = true;
    for (const l of this.listeners) l();
  }
}

async function retainedSlot(url: string): Promise<{ state: string; active: string | null; term?: number | undefined } | undefined> {
  const client = await rawClient(url);
  try {
    let seen: { state: string; active: string | null; term?: number | undefined } | undefined;
    client.on('message', (_t, p) => {
      const d = codecs.slot.decode(p);
      if (d.ok)
        seen = {
          state: d.value.state,
          active: d.value.active ? `${d.value.active.agent}/${d.value.active.device}` : null,
          term: d.value.term,
        };
    });
    await client.subscribeAsync(topic.slot(SLOT), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200)); // the retained message comes with the subscription's answer
    return seen;
  } finally {
    await closeClient(client);
  }
}

describe('a lead not proven for a moment', () => {
  it('a slot state dropped while the lead was not proven goes out once it is: the retained state never stays failing_over after a failover succeeded', async () => {
    const lead = new DrivenLead();
    const controller = await startController({
      dataDir: t.tempDir(),
      config: { onAir: true, detection: { restartGraceMs: 1_000, recoverAfterMs: 500 } },
      leader: lead,
    });
    t.defer(() => controller.stop());
    const url = controller.brokerUrl;
    for (const agent of ['agent-a', 'agent-b']) {
      const a = await startAgent(url, agent, []);
      t.defer(() => a.stop());
    }
    await registerGear(
      url,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    );
    await waitUntil(
      () => controller.status().slots.find((s) => s.slot === SLOT && s.state === 'ok' && s.members.every((m) => m.status === 'ok')),
      10_000,
      'the slot ok with both cameras ok',
    );

    // The lead stops being proven the moment the activate goes out: the backup's confirmation lands while it is not.
    const watch = await rawClient(url);
    t.defer(() => closeClient(watch));
    watch.on('message', (mqttTopic, p) => {
      if (mqttTopic !== topic.command('agent-b')) return;
      const d = codecs.command.decode(p);
      if (d.ok && d.value.action === 'activate') lead.proven = false;
    });
    await watch.subscribeAsync(topic.command('agent-b'), { qos: 1 });
    await simulate(url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(
      () => controller.status().slots.find((s) => s.slot === SLOT && s.state === 'ok' && s.active?.agent === 'agent-b'),
      10_000,
      'the controller to know the backup live',
    );
    expect(lead.proven).toBe(false);
    expect(controller.counters.fencedPublishes).toBeGreaterThan(0);
    // Not proven: the retained state is still the last one sent (failing over), nothing newer went out.
    expect((await retainedSlot(url))?.state).toBe('failing_over');

    lead.prove();
    // Sent at once (the publish is synchronous with the proof); a few reads allow for the broker's turn.
    let retained = await retainedSlot(url);
    for (let i = 0; i < 10 && retained?.state !== 'ok'; i += 1) retained = await retainedSlot(url);
    expect(retained).toEqual({ state: 'ok', active: 'agent-b/cam-2', term: 7 });
  }, 60_000);
});
