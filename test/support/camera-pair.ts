/**
 * The smallest studio the HTTP tests need: a controller with its HTTP side on a free loopback port,
 * two enrolled agents with one simulated camera each, and one slot (cam-1, backed up by cam-2), both
 * cameras healthy. People are added with their roles.
 */
import path from 'node:path';
import type { Agent } from '../../agent/agent.ts';
import type { ControllerWithHttp as Controller } from '../../controller/http/attach.ts';
import type { Role } from '../../protocols/access.ts';
import { registerGear, removeDir, startAgent, startController, tempDir, waitUntil } from '../integration/helpers.ts';

export const PAIR_SLOT = 'studio-a/cam-wide';

export interface CameraPair {
  controller: Controller;
  stop(): Promise<void>;
}

export async function startCameraPair(people: Array<{ name: string; role: Role; password: string }> = []): Promise<CameraPair> {
  const dir = tempDir();
  const controller = await startController({ dataDir: path.join(dir, 'data'), config: { http: { port: 0, host: '127.0.0.1' } } });
  for (const p of people) await controller.identities.addUser(p.name, p.role, p.password);
  const agents: Agent[] = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  await registerGear(
    controller.brokerUrl,
    [
      { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
      { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
    ],
    [{ id: PAIR_SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
  );
  await waitUntil(() => controller.status().devices.filter((d) => d.status === 'ok').length === 2, 10_000, 'both cameras ok');
  return {
    controller,
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
      await controller.stop();
      removeDir(dir);
    },
  };
}
