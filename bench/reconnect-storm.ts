/**
 * A whole fleet reconnecting at once: N agents (a separate process, bench/storm-fleet.ts) come up
 * against the controller and its embedded broker; then the controller restarts on the same port and
 * data, which drops every connection, and every agent comes back by itself with its jittered
 * backoff. Measured from the restarted controller listening to every agent online with all its
 * devices healthy again: the time, the connection attempts that failed meanwhile, and the
 * controller's CPU per agent (this process runs only the controller).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Controller } from '../controller/controller.ts';
import { startControllerWithHttp } from '../controller/http/attach.ts';
import { parseControllerConfig } from '../controller/config.ts';
import { systemClock } from '../lib/clock.ts';
import { silentLogger } from '../lib/logger.ts';

export interface StormResult {
  agents: number;
  devicesPerAgent: number;
  /** Restarted controller listening → every agent online and every device ok. */
  backMs: number | null;
  /** Connection attempts the restarted broker failed (timed out, closed); refusals from before it listened, reported late by the busy fleet process, are not counted here. */
  failedConnects: number;
  failureReasons: Record<string, number>;
  /** Controller CPU from its restart until the fleet was back, per agent (the bench's polling taken out). */
  cpuMsPerAgent: number;
  logins: boolean;
}

const fleetPath = fileURLToPath(new URL('./storm-fleet.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `logins`: every agent enrolled and logging in as itself (as in production), the broker refusing anonymous clients. */
export async function measureReconnectStorm(o: {
  agents: number;
  devicesPerAgent: number;
  limitMs?: number;
  logins?: boolean;
}): Promise<StormResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-storm-'));
  const limitMs = o.limitMs ?? 60_000;
  const configFor = (port: number) =>
    parseControllerConfig(
      stringify({
        broker: { port, host: '127.0.0.1', allowAnonymous: !o.logins },
        dataDir: dir,
        http: { enabled: false },
        detection: { restartGraceMs: 5_000 },
      }),
      '(storm bench)',
    );
  let controller = await startControllerWithHttp({ config: configFor(0), clock: systemClock, log: silentLogger() });
  const port = Number(new URL(controller.brokerUrl).port);
  let credentialsFile: string | undefined;
  if (o.logins) {
    // Enrolled as `onair agent add` does; the credentials reach the fleet process in a 0600 file.
    const credentials: string[] = [];
    for (let i = 0; i < o.agents; i += 50)
      credentials.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, o.agents - i) }, (_, k) => controller.identities.enrollAgent(`storm-${i + k}`)),
        )),
      );
    credentialsFile = path.join(dir, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }
  const fleet = fork(
    fleetPath,
    [
      JSON.stringify({
        broker: controller.brokerUrl,
        agents: o.agents,
        devicesPerAgent: o.devicesPerAgent,
        startRatePerSecond: 500,
        ...(credentialsFile ? { credentialsFile } : {}),
      }),
    ],
    { stdio: 'inherit' },
  );
  const ask = (): Promise<{ connects: number; failures: number; failureReasons: Record<string, number> }> =>
    new Promise((resolve) => {
      fleet.once('message', (m) => resolve(m as { connects: number; failures: number; failureReasons: Record<string, number> }));
      fleet.send({ report: true });
    });
  // Back = announced again (a new session) and every device reported healthy since: the restarted
  // controller restores the last picture from its store, which must not count.
  let pollingMs = 0; // the bench's own polling runs in this process: kept out of the controller's CPU
  const allBack = (c: Controller, since = 0, sessions = new Map<string, number>()) => {
    const started = performance.now();
    const s = c.status();
    pollingMs += performance.now() - started;
    const agents = s.agents.filter((a) => a.online && a.session > (sessions.get(a.agent) ?? -1)).length;
    const devices = s.devices.filter((d) => d.status === 'ok' && (d.lastHealthAt ?? 0) >= since).length;
    return agents === o.agents && devices === o.agents * o.devicesPerAgent;
  };
  try {
    await new Promise((resolve) => fleet.once('message', resolve));
    for (const deadline = Date.now() + limitMs; !allBack(controller); await sleep(100))
      if (Date.now() > deadline) throw new Error(`the fleet did not come up within ${limitMs} ms`);
    const sessions = new Map(controller.status().agents.map((a) => [a.agent, a.session]));
    await controller.stop();
    const cpuBefore = process.cpuUsage();
    const restartedAt = Date.now();
    controller = await startControllerWithHttp({ config: configFor(port), clock: systemClock, log: silentLogger() });
    const listeningAt = performance.now();
    const before = await ask();
    let backMs: number | null = null;
    pollingMs = 0;
    for (const deadline = Date.now() + limitMs; Date.now() < deadline; await sleep(200)) {
      if (allBack(controller, restartedAt, sessions)) {
        backMs = Math.round(performance.now() - listeningAt);
        break;
      }
    }
    const cpu = process.cpuUsage(cpuBefore);
    const after = await ask();
    const failureReasons: Record<string, number> = {};
    for (const [reason, n] of Object.entries(after.failureReasons))
      if (n > (before.failureReasons[reason] ?? 0)) failureReasons[reason] = n - (before.failureReasons[reason] ?? 0);
    const refusedLate = Object.entries(failureReasons).reduce((sum, [reason, n]) => sum + (reason.includes('ECONNREFUSED') ? n : 0), 0);
    return {
      agents: o.agents,
      devicesPerAgent: o.devicesPerAgent,
      backMs,
      failedConnects: after.failures - before.failures - refusedLate,
      failureReasons,
      cpuMsPerAgent: Math.round((((cpu.user + cpu.system) / 1_000 - pollingMs) / o.agents) * 100) / 100,
      logins: !!o.logins,
    };
  } finally {
    fleet.send({ stop: true });
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
