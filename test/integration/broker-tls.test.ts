/**
 * The embedded broker over TLS (issue 11): mqtts with a certificate from the site's CA; agents and the
 * CLI verify it against a CA file; optionally every client shows a certificate the site's CA signed.
 * Throwaway CAs and certificates are made for each run (test/support/certs.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../controller/controller.ts';
import { clientIdFor } from '../../protocols/access.ts';
import { silentLogger } from '../../lib/logger.ts';
import { connectMqtt, endMqtt, type TlsFiles } from '../../lib/mqtt-connection.ts';
import { readBrokerSecrets } from '../../lib/broker-client.ts';
import { agentProcess, type ManagedProcess } from '../support/processes.ts';
import { testCa, type TestCa } from '../support/certs.ts';
import { removeDir, runOnair, runOnairWith, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let site: TestCa;
let stranger: TestCa;
const controllers: Controller[] = [];
const processes: ManagedProcess[] = [];

/** How a connection attempt ends: 'connected', or the error that ended it (no retries). */
const attempt = (url: string, o: { tls?: TlsFiles; username?: string; password?: string }) =>
  new Promise<string>((resolve) => {
    const client = connectMqtt({
      url,
      clientId: clientIdFor(o.username, `tls-${Date.now()}`),
      log: silentLogger(),
      reconnect: { initialMs: 60_000, maxMs: 60_000 },
      ...o,
    });
    let first: string | undefined; // the first event decides; closing the client emits more
    const end = (outcome: string) => {
      if (first !== undefined) return;
      first = outcome;
      void endMqtt(client, true).then(() => resolve(outcome));
    };
    client.once('connect', () => end('connected'));
    client.once('error', (err) => end(err.message));
    client.once('close', () => end('closed'));
  });
const files = (f: { ca?: string; cert?: string; key?: string }): TlsFiles => ({
  ...(f.ca ? { ca: readFileSync(f.ca) } : {}),
  ...(f.cert ? { cert: readFileSync(f.cert) } : {}),
  ...(f.key ? { key: readFileSync(f.key) } : {}),
});

beforeAll(async () => {
  dir = tempDir();
  site = await testCa(dir, 'site');
  stranger = await testCa(dir, 'stranger');
}, 30_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  for (const c of controllers) await c.stop();
  removeDir(dir);
});

async function tlsController(name: string, clientCa?: string): Promise<{ controller: Controller; url: string; port: number }> {
  const server = await site.issue('studio-controller', `${name}-server`, 'server');
  const controller = await startController({
    dataDir: path.join(dir, name),
    config: {
      broker: {
        embedded: true,
        port: 0,
        host: '127.0.0.1',
        allowAnonymous: false,
        tls: { certFile: server.cert, keyFile: server.key, ...(clientCa ? { clientCaFile: clientCa } : {}) },
      },
    },
  });
  controllers.push(controller);
  expect(controller.brokerUrl, 'the test rig’s login in the URL').toMatch(/^mqtts:\/\/controller%2Ftest-rig:[^@]+@127\.0\.0\.1:\d+$/);
  const port = Number(new URL(controller.brokerUrl).port);
  return { controller, url: `mqtts://127.0.0.1:${port}`, port };
}

describe('the embedded broker serving mqtts', () => {
  it('an agent process verifies it with the site CA and logs in with a 0600 password file; a client trusting another CA, or speaking plain mqtt, is refused', async () => {
    const { controller, url, port } = await tlsController('tls');
    const credential = await controller.identities.enrollAgent('agent-a');
    const passwordFile = path.join(dir, 'agent-a.password');
    writeFileSync(passwordFile, `${credential}\n`, { mode: 0o600 });
    const agent = await agentProcess(path.join(dir, 'agent-a'), 'agent-a', url, {
      broker: { url, username: 'agent/agent-a', passwordFile, caFile: site.cert },
    });
    processes.push(agent);
    agent.start();
    await waitUntil(() => controller.status().agents.find((a) => a.agent === 'agent-a' && a.online), 15_000, 'agent-a online over mqtts');

    expect(await attempt(url, { tls: files({ ca: stranger.cert }), username: 'agent/agent-a', password: credential })).toMatch(
      /self[- ]signed|unable to verify|certificate/i,
    );
    expect(
      await attempt(url, { username: 'agent/agent-a', password: credential }),
      'no CA: the system CAs do not know the site CA',
    ).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(
      await attempt(`mqtt://127.0.0.1:${port}`, { username: 'agent/agent-a', password: credential }),
      'plain MQTT on the TLS port',
    ).not.toBe('connected');
    expect(await attempt(url, { tls: files({ ca: site.cert }), username: 'agent/agent-a', password: credential })).toBe('connected');

    // The CLI: a tool's token file and the site CA; the wrong CA is reported as a TLS failure, not an unreachable broker.
    const tokenFile = path.join(dir, 'stream-deck.token');
    const added = await runOnair(
      url,
      'user',
      'add',
      'stream-deck',
      '--role',
      'viewer',
      '--token-file',
      tokenFile,
      '--data',
      path.join(dir, 'tls'),
    );
    expect(added.code, added.stderr).toBe(0);
    const status = await runOnairWith({ ONAIR_TOKEN_FILE: tokenFile, ONAIR_CA_FILE: site.cert }, url, 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toHaveProperty('agents');
    const wrongCa = await runOnairWith({ ONAIR_TOKEN_FILE: tokenFile, ONAIR_CA_FILE: stranger.cert }, url, 'status');
    expect(wrongCa.code).not.toBe(0);
    expect(wrongCa.stderr).toMatch(/failed the TLS check \(.+\): set ONAIR_CA_FILE to the CA that signed its certificate/);
  }, 40_000);

  it('with client certificates required, only a client with one the site CA signed gets to log in', async () => {
    const { controller, url } = await tlsController('mtls', site.cert);
    const credential = await controller.identities.enrollAgent('agent-b');
    const login = { username: 'agent/agent-b', password: credential };
    const mine = await site.issue('agent-b', 'agent-b-client', 'client');
    const foreign = await stranger.issue('agent-b', 'agent-b-foreign', 'client');
    expect(await attempt(url, { tls: files({ ca: site.cert }), ...login }), 'no client certificate').not.toBe('connected');
    expect(
      await attempt(url, { tls: files({ ca: site.cert, cert: foreign.cert, key: foreign.key }), ...login }),
      'a certificate from another CA',
    ).not.toBe('connected');
    expect(await attempt(url, { tls: files({ ca: site.cert, cert: mine.cert, key: mine.key }), ...login })).toBe('connected');
    expect(
      await attempt(url, { tls: files({ ca: site.cert, cert: mine.cert, key: mine.key }), username: 'agent/agent-b', password: 'wrong' }),
      'the login still counts',
    ).toMatch(/Bad username or password/i);
  }, 30_000);
});

describe('the HTTP API over HTTPS', () => {
  it('serves the API with the site certificate; a client trusting another CA is refused', async () => {
    const server = await site.issue('studio-controller', 'https-server', 'server');
    const controller = await startController({
      dataDir: path.join(dir, 'https'),
      config: { http: { port: 0, host: '127.0.0.1', tls: { certFile: server.cert, keyFile: server.key } } },
    });
    controllers.push(controller);
    await controller.identities.addUser('eve', 'engineer', 'engineer password 1');
    expect(controller.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const post = (ca: string) =>
      new Promise<string>((resolve) => {
        const request = https.request(
          `${controller.httpUrl}/api/status`,
          { method: 'POST', ca: readFileSync(ca), auth: 'eve:engineer password 1', headers: { 'content-type': 'application/json' } },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve(`${response.statusCode} ${body.slice(0, 40)}`));
          },
        );
        request.on('error', (err) => resolve(err.message));
        request.end('{}');
      });
    expect(await post(site.cert)).toMatch(/^200 \{"transaction":"http","status":"ok"/);
    expect(await post(stranger.cert)).toMatch(/self[- ]signed|unable to verify|certificate/i);
  }, 20_000);
});

describe('broker settings that name files', () => {
  it('refuses a password or key file others can read, a missing file, and a CA with a plain mqtt URL, each with the reason', () => {
    const open = path.join(dir, 'open.password');
    writeFileSync(open, 'secret\n', { mode: 0o644 });
    expect(() => readBrokerSecrets({ url: 'mqtts://h', passwordFile: open }, dir)).toThrow(
      /the password file .*open\.password is readable by others \(mode 644\); chmod 600 it/,
    );
    expect(() => readBrokerSecrets({ url: 'mqtts://h', caFile: 'nope.crt' }, dir)).toThrow(
      /the CA file .*nope\.crt cannot be read: ENOENT/,
    );
    expect(() => readBrokerSecrets({ url: 'mqtt://h', caFile: site.cert }, dir)).toThrow(
      /caFile\/certFile are for mqtts:\/\/ but the URL is mqtt:\/\/h/,
    );
    expect(() => readBrokerSecrets({ url: 'mqtts://h', certFile: site.cert }, dir)).toThrow(/needs both certFile and keyFile/);
    const leaky = path.join(dir, 'leaky.key');
    // 0640 is Debian's layout (root:onair, read through the service's group: systemd-units.test.ts); others never.
    writeFileSync(leaky, 'key', { mode: 0o644 });
    expect(() => readBrokerSecrets({ url: 'mqtts://h', certFile: site.cert, keyFile: leaky }, dir)).toThrow(
      /the key file .*leaky\.key is readable by others/,
    );
  });
});
