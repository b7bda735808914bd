/**
 * Agents whose clocks are 30 s ahead or behind the controller's: failover works both ways (a command
 * carries a time to live the agent measures itself; an absolute expiry once made an agent 1 s ahead
 * answer every failover "expired"), and an agent restarted after its clock stepped back still comes
 * online (its session keeps growing).
 */
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { memoryKeptState, type KeptState } from '../../agent/kept-state.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { Clock } from '../../lib/clock.ts';
import { agentLogin } from '../support/rig.ts';
import { agentConfig, cleanupAfterEach, closeClient, rawClient, registerGear, simulate, startController, waitUntil } from './helpers.ts';
import { topic } from '../../protocols/contract.ts';

const SLOT = 'studio-a/cam-wide';
const cleanup = cleanupAfterEach();

const skewed = (offsetMs: number): Clock => ({ now: () => Date.now() + offsetMs });

async function agentWithClock(url: string, id: string, clock: Clock, keptState: KeptState): Promise<Agent> {
  // The agent logs in as itself: a client id of an agent's form is refused to any other login.
  const login = await agentLogin(url, id);
  const config = agentConfig(login.url, id, []);
  if (login.username) config.broker.username = login.username;
  const agent = new Agent({
    config,
    drivers: builtInDrivers(),
    clock,
    log: silentLogger(),
    keptState,
    ...(login.password ? { brokerSecrets: { password: login.password } } : {}),
  });
  await agent.start(5_000);
  cleanup.defer(() => agent.stop());
  return agent;
}

describe('agents whose clocks are off', () => {
  it('fail over to and from agents 30 s ahead and 30 s behind, and come back online after their clock stepped back', async () => {
    const controller = await startController({ dataDir: cleanup.tempDir(), config: { detection: { recoverAfterMs: 300 } } });
    cleanup.defer(() => controller.stop());
    const keptB = memoryKeptState();
    await agentWithClock(controller.brokerUrl, 'agent-a', skewed(30_000), memoryKeptState());
    const b = await agentWithClock(controller.brokerUrl, 'agent-b', skewed(-30_000), keptB);
    await registerGear(
      controller.brokerUrl,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 2 } }],
    );
    const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
    await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 5_000, 'cameras ok');
    controller.setOnAir(true, 'engineer', 'show');

    // The primary (clock 30 s ahead) hangs: the backup (clock 30 s behind) takes over.
    const client = await rawClient(controller.brokerUrl);
    cleanup.defer(() => closeClient(client));
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'hang', device: 'cam-1', action: 'simulate.fault', params: { mode: 'dead' }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await waitUntil(() => controller.status().slots[0]?.active?.device === 'cam-2', 5_000, 'cam-2 live');
    // Repaired, and switched back by hand: the command to the agent 30 s ahead is not "expired" either.
    await closeClient(client);
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 ok again');
    await expect(controller.failover({ slot: SLOT, to: 'agent-a/cam-1', reason: 'repaired' }, 'engineer')).resolves.toMatchObject({
      to: { device: 'cam-1' },
    });
    expect(controller.events().filter((e) => e.type === 'command.result' && e.data.status === 'expired')).toEqual([]);

    // agent-b restarts after its clock stepped back another 30 s: its birth must not look older than the last.
    const before = controller.status().agents.find((a) => a.agent === 'agent-b')!.session;
    await b.stop();
    await agentWithClock(controller.brokerUrl, 'agent-b', skewed(-60_000), keptB);
    await waitUntil(
      () => (controller.status().agents.find((a) => a.agent === 'agent-b')?.session ?? 0) > before && status('cam-2') === 'ok',
      5_000,
      'agent-b online again',
    );
  });
});
