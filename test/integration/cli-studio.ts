/**
 * The studio the CLI tests run against (cli.test.ts, cli-catalog.test.ts): a controller on an
 * ephemeral port, agent-a running simulated cameras cam-1 and cam-2, and the slot studio-a/cam-wide
 * (cam-1, backup cam-2, preset 1). Started before the file's tests, stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { registerGear, removeDir, runOnair, startAgent, startController, tempDir, waitUntil, type CliRun } from './helpers.ts';

export interface CliStudio {
  dir: string;
  broker: string;
  controller: Controller;
  agent: Agent;
  /** The `onair` binary pointed at this studio's broker. */
  onair: (...args: string[]) => Promise<CliRun>;
}

/** Call at the top of a test file: the fields are there once its beforeAll ran. */
export function useCliStudio(): CliStudio {
  const studio = { onair: (...args: string[]) => runOnair(studio.broker, ...args) } as CliStudio;
  beforeAll(async () => {
    studio.dir = tempDir();
    studio.controller = await startController({ dataDir: studio.dir });
    studio.broker = studio.controller.brokerUrl;
    studio.agent = await startAgent(studio.broker, 'agent-a', []);
    const cams = [
      { id: 'cam-1', kind: 'camera' as const },
      { id: 'cam-2', kind: 'camera' as const },
    ];
    await registerGear(
      studio.broker,
      [{ agent: 'agent-a', devices: cams }],
      [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: { preset: 1 } }],
    );
    await waitUntil(() => studio.controller.status().devices.filter((d) => d.status === 'ok').length === 2, 5_000, 'devices ok');
  });
  afterAll(async () => {
    await studio.agent.stop();
    await studio.controller.stop();
    removeDir(studio.dir);
  });
  return studio;
}
