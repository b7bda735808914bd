/**
 * A hot standby's picture of the fleet (controller/pair/standby-picture.ts) against a real aedes broker
 * on an ephemeral port and a real agent: it stays current from the fleet's own messages, through a
 * broker restart longer than the reconnect intervals, and it says nothing on the broker — no command,
 * no slot state, no controller state: only its link checks, which nobody subscribes to.
 */
import { Aedes } from 'aedes';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/clock.ts';
import { encode } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import { LINK_CHECK_TOPIC } from '../../controller/broker/bus.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { StandbyPicture } from '../../controller/pair/standby-picture.ts';
import { cleanupAfterEach, closeClient, rawClient, simulate, startAgent, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';

/** A bare aedes broker that reports who published what; it can be stopped and started on the same port. */
async function broker(port = 0) {
  const aedes = await Aedes.createBroker();
  const published: Array<{ client: string; topic: string }> = [];
  const clients: string[] = [];
  aedes.on('client', (client) => void clients.push(client.id));
  aedes.on('publish', (packet, client) => {
    if (client) published.push({ client: client.id, topic: packet.topic });
  });
  const server = net.createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    published,
    clients,
    close: () => new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve()))),
  };
}

const cleanup = cleanupAfterEach();

describe('a hot standby keeps its picture of the fleet', () => {
  it('stays current from the same messages the leader hears, through a 3.5 s broker restart, and publishes nothing to the fleet', async () => {
    let b = await broker();
    cleanup.defer(() => b.close());
    const agent = await startAgent(b.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }]);
    cleanup.defer(() => agent.stop());
    // What a leader (term 4) has said: who leads, and the slot's retained state.
    const leaderSays = await rawClient(b.url);
    cleanup.defer(() => closeClient(leaderSays));
    await leaderSays.publishAsync(
      topic.controllerState(),
      encode('controllerState', { online: true, ts: Date.now(), leader: { name: 'ctl-a', term: 4, since: Date.now() } }),
      { qos: 1, retain: true },
    );
    const members = { primary: { agent: 'agent-a', device: 'cam-1' }, backups: [{ agent: 'agent-b', device: 'cam-2' }] };
    await leaderSays.publishAsync(
      topic.slot(SLOT),
      encode('slot', {
        slot: SLOT,
        state: 'ok',
        active: members.primary,
        ...members,
        members: [],
        params: {},
        onAir: true,
        primaryAvailable: false,
        ts: Date.now(),
        term: 4,
      }),
      { qos: 1, retain: true },
    );
    await closeClient(leaderSays);

    const config = parseControllerConfig(
      stringify({ name: 'ctl-b', broker: { embedded: false, url: b.url }, http: { enabled: false }, detection: { recoverAfterMs: 300 } }),
      '(test)',
    );
    const picture = StandbyPicture.start({ config, secrets: {}, name: 'ctl-b', clock: systemClock, log: silentLogger() });
    cleanup.defer(() => picture.close());
    const status = () => picture.view().registry.status('agent-a', 'cam-1');
    // The leader's retained state comes on its own subscription, in no order with the agent's messages.
    await waitUntil(
      () => picture.summary().agentsHeard === 1 && status() === 'ok' && picture.summary().leader !== undefined,
      10_000,
      'the standby to hear the agent, its camera and the leader',
    );
    expect(picture.summary()).toMatchObject({
      connected: true,
      agents: 1,
      agentsHeard: 1,
      devices: 1,
      slots: 1,
      leader: { name: 'ctl-a', term: 4 },
    });

    // A failure while it stands by: in its picture as in the leader's.
    await simulate(b.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => status() === 'failed', 5_000, 'the standby to see cam-1 fail');

    // The broker goes away for longer than the 0.5 s and 3 s retry intervals, then comes back on its port.
    const { port } = b;
    await b.close();
    await waitUntil(() => !picture.summary().connected, 5_000, 'the standby to notice');
    await new Promise((r) => setTimeout(r, 3_500));
    b = await broker(port);
    await waitUntil(
      () => picture.summary().connected && picture.summary().agentsHeard === 1,
      20_000,
      'the standby to hear the agent again',
    );
    // Outputs after recovery, not only the link: the camera's recovery reaches the picture.
    await simulate(b.url, 'agent-a', 'cam-1', 'clear');
    await waitUntil(() => status() === 'ok', 10_000, 'the standby to see cam-1 recover');

    // It said nothing the fleet listens to: only link checks on a topic nobody subscribes to.
    expect(b.clients.filter((id) => id.startsWith('onair-standby-ctl-b-'))).toHaveLength(1);
    const own = b.published.filter((p) => p.client.startsWith('onair-standby-ctl-b-'));
    expect(own.every((p) => p.topic === LINK_CHECK_TOPIC)).toBe(true);

    // Handed over: it stops taking messages in and leaves the broker.
    const view = picture.handOver();
    await simulate(b.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await new Promise((r) => setTimeout(r, 500));
    expect(view.registry.status('agent-a', 'cam-1')).toBe('ok');
    expect(view.slots.map((s) => s.term)).toEqual([4]);
    expect(picture.summary().connected).toBe(false);
  }, 60_000);

  it('keeps a failover an agent made alone until a slot state shows it adopted, for a takeover to adopt', async () => {
    const b = await broker();
    cleanup.defer(() => b.close());
    const config = parseControllerConfig(
      stringify({ name: 'ctl-b', broker: { embedded: false, url: b.url }, http: { enabled: false } }),
      '(test)',
    );
    const picture = StandbyPicture.start({ config, secrets: {}, name: 'ctl-b', clock: systemClock, log: silentLogger() });
    cleanup.defer(() => picture.close());
    await waitUntil(() => picture.summary().connected, 5_000, 'the standby to connect');
    // An agent back from being cut off reports what it did alone, in its heartbeat, as on the wire.
    const agent = await rawClient(b.url);
    cleanup.defer(() => closeClient(agent));
    const decision = { id: 'd-1', slot: SLOT, from: 'cam-1', to: 'cam-2', at: Date.now(), reason: 'cam-1 failed' };
    await agent.publishAsync(
      topic.agentState('agent-a'),
      encode('agentState', { online: true, session: 2, ts: Date.now(), devices: ['cam-1', 'cam-2'] }),
      { qos: 1, retain: true },
    );
    await agent.publishAsync(
      topic.heartbeat('agent-a'),
      encode('heartbeat', { session: 2, ts: Date.now(), uptimeMs: 5, decisions: [decision] }),
      { qos: 1, retain: false },
    );
    await waitUntil(() => picture.view().decisions.length === 1, 5_000, 'the standby to keep the decision');
    expect(picture.view().decisions[0]).toEqual({ agent: 'agent-a', decision });

    // The leader adopts it: its slot state shows the agent's member live, and the standby lets it go.
    const state = {
      slot: SLOT,
      state: 'ok' as const,
      primary: { agent: 'agent-a', device: 'cam-1' },
      backups: [{ agent: 'agent-a', device: 'cam-2' }],
      members: [],
      params: {},
      onAir: true,
      primaryAvailable: false,
      ts: Date.now(),
      term: 4,
    };
    await agent.publishAsync(topic.slot(SLOT), encode('slot', { ...state, active: { agent: 'agent-a', device: 'cam-1' } }), {
      qos: 1,
      retain: true,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(picture.view().decisions).toHaveLength(1); // another member live: not adopted yet
    await agent.publishAsync(topic.slot(SLOT), encode('slot', { ...state, active: { agent: 'agent-a', device: 'cam-2' } }), {
      qos: 1,
      retain: true,
    });
    await waitUntil(() => picture.view().decisions.length === 0, 5_000, 'the standby to let the adopted decision go');
  }, 30_000);
});
