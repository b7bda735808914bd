/**
 * Identities of a pair live in its shared PostgreSQL database (issue 20, point 8): `onair user add`
 * and `onair agent add` given one controller's config write there, the other controller — leading
 * at the time — knows the new logins at once (no restart), its own config's `mosquitto-config` lists
 * them (an agent logs in with its credential to a Mosquitto given those files), and after a takeover
 * the first controller knows them too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { freePort, hasMosquitto, mosquittoProcess, waitForPort, type ControllerProcess } from '../support/processes.ts';
import { connectMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { hasPostgres } from '../support/postgres.ts';
import { pairOnPostgres } from '../support/pair-on-postgres.ts';
import { closeClient, runOnair, runOnairWith, waitUntil } from './helpers.ts';

const fixture = pairOnPostgres();
const EVE = 'a long password for eve';

async function seat(name: string, url: string): Promise<{ proc: ControllerProcess; file: string; http: string }> {
  const port = await freePort();
  const proc = await fixture.seat(name, { postgres: { url }, http: { enabled: true, host: '127.0.0.1', port } });
  return { proc, file: path.join(fixture.dir, name, 'controller.yaml'), http: `http://127.0.0.1:${port}` };
}

/** A request to a controller's HTTP API as eve; the status code and the answer. */
async function asEve(http: string, op: string): Promise<{ status: number; body: { data?: { agents?: Array<{ id: string }> } } }> {
  const res = await fetch(`${http}/api/${op}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`eve:${EVE}`).toString('base64')}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as { data?: { agents?: Array<{ id: string }> } } };
}

describe.skipIf(!hasPostgres())('identities of a pair', () => {
  it("enrolled with one controller's config, known at once by the other one leading, and by the first after a takeover", async () => {
    const { server, broker, dir } = fixture;
    const url = await server.database();
    const watch = await fixture.watch();
    const a = await seat('ctl-a', url);
    const b = await seat('ctl-b', url);
    b.proc.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 20_000, 'ctl-b to lead');
    await waitForPort(Number(new URL(b.http).port), 10_000);
    expect((await asEve(b.http, 'status')).status, 'nobody is enrolled yet').toBe(401);

    // Enrolled with ctl-a's config while ctl-b leads.
    const user = await runOnairWith(
      { ONAIR_PASSWORD: EVE },
      broker.url,
      'user',
      'add',
      'eve',
      '--role',
      'admin',
      '--controller-config',
      a.file,
    );
    expect(user.code, user.stderr).toBe(0);
    const agent = await runOnair(broker.url, 'agent', 'add', 'agent-x', '--controller-config', a.file);
    expect(agent.code, agent.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'ctl-a', 'data', 'onair.sqlite')), "nothing written to ctl-a's own data directory").toBe(false);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = (await client.query<{ kind: string; name: string }>('SELECT kind, name FROM identities ORDER BY kind, name')).rows;
    await client.end();
    expect(rows).toEqual([
      { kind: 'agent', name: 'agent-x' },
      { kind: 'user', name: 'eve' },
    ]);

    // The leader knows them without a restart: eve logs in to its API and it lists the agent.
    let answer = await asEve(b.http, 'agent.list');
    for (const deadline = Date.now() + 5_000; answer.status !== 200 && Date.now() < deadline; answer = await asEve(b.http, 'agent.list'))
      await new Promise((r) => setTimeout(r, 50));
    expect(answer.status, 'eve logs in to the leading controller').toBe(200);
    expect(answer.body.data?.agents?.map((x) => x.id)).toEqual(['agent-x']);

    // ctl-b's config reads the same logins for its broker's files.
    const files = await runOnair(broker.url, 'broker', 'controller-login', 'ctl', '--controller-config', b.file);
    expect(files.code, files.stderr).toBe(0);
    const written = await runOnair(
      broker.url,
      'broker',
      'mosquitto-config',
      '--controller-config',
      b.file,
      '--out',
      path.join(dir, 'mosquitto'),
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/1 agents, 1 people, 1 controller login/);
    if (hasMosquitto()) {
      // The agent logs in with its credential to a Mosquitto given the files ctl-b's config wrote.
      const mosquitto = await mosquittoProcess(path.join(dir, 'mosquitto-run'), { includeDir: path.join(dir, 'mosquitto') });
      fixture.defer(() => mosquitto.kill());
      mosquitto.start();
      await waitForPort(mosquitto.port, 10_000);
      const credential = /^ {2}(\S{43})$/m.exec(agent.stdout)![1]!;
      const login = connectMqtt({
        url: `mqtt://${encodeURIComponent('agent/agent-x')}:${encodeURIComponent(credential)}@127.0.0.1:${mosquitto.port}`,
        clientId: 'onair-agent-agent-x-login',
        log: silentLogger(),
      });
      await waitForConnect(login, 10_000);
      await closeClient(login);
    }

    // A takeover: ctl-a leads and knows them too.
    a.proc.start();
    await b.proc.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    await waitForPort(Number(new URL(a.http).port), 10_000);
    const after = await asEve(a.http, 'agent.list');
    expect(after.status).toBe(200);
    expect(after.body.data?.agents?.map((x) => x.id)).toEqual(['agent-x']);
  }, 90_000);
});
