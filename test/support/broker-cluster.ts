/**
 * A real clustered MQTT broker for tests: Debian's `redis-server` (installed by .ci/run) as a
 * throwaway server on a free loopback port, and aedes nodes clustered over it (cluster-node.mjs),
 * each a child process that can be killed and started again on its port. Tests that need it are
 * skipped where redis-server is missing, as those needing Mosquitto or PostgreSQL are.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, freePort, waitForPort } from './processes.ts';

export const hasRedis = (): boolean => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error === undefined;

export interface ClusterNode extends ManagedProcess {
  url: string;
  port: number;
}

export interface TestCluster {
  nodes: ClusterNode[];
  /** Starts a node again on its port and waits until it accepts connections. */
  restart(node: ClusterNode): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(nodeCount: number): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-cluster-'));
  const redisPort = await freePort();
  const redis = new ManagedProcess({
    name: 'redis',
    command: 'redis-server',
    args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'],
    logFile: path.join(dir, 'redis.log'),
  });
  redis.start();
  await waitForPort(redisPort, 10_000);
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cluster-node.mjs');
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= nodeCount; i += 1) {
    const port = await freePort();
    const node = new ManagedProcess({
      name: `mq${i}`,
      command: process.execPath,
      args: [script, String(port), String(redisPort), `mq${i}`],
      logFile: path.join(dir, `mq${i}.log`),
    });
    node.start();
    await waitForPort(port, 10_000);
    nodes.push(Object.assign(node, { url: `mqtt://127.0.0.1:${port}`, port }));
  }
  return {
    nodes,
    async restart(node) {
      node.start();
      await waitForPort(node.port, 10_000);
    },
    async close() {
      for (const node of nodes) await node.kill();
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
