/**
 * deploy/: the systemd units shipped as files and the Debian-style layout they use (issue 20, point
 * 11). systemd-analyze verifies the units (nothing to say, not even a warning); systemd-sysusers and
 * systemd-tmpfiles make the `onair` user and /etc/onair in a throwaway root, from the files as they
 * are installed; the units, the example configs and docs/deployment.md agree on the paths; and an
 * agent runs from the layout as a user of its own (not root), reading its root-owned 0640 credential
 * through its group, and is heard by a real controller.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseControllerConfig } from '../../controller/config.ts';
import { parseAgentConfig } from '../../agent/config.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { readSecret } from '../../lib/secret.ts';
import { onairBin, packageRoot } from '../../lib/paths.ts';
import { removeDir, startController, tempDir, waitUntil } from './helpers.ts';

const DEPLOY = path.join(packageRoot(), 'deploy');
const UNITS = path.join(DEPLOY, 'systemd');
const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534; // Debian's nobody:nogroup, the stand-in for the onair user on a test machine
/**
 * The agent runs from this checkout as nobody: it must be able to read it, as an installed OnAir under
 * /usr/lib or /opt is readable. A checkout inside a 0700 directory (mktemp -d) is not.
 */
const checkoutReadableByNobody =
  isRoot &&
  spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1])', onairBin()], { uid: NOBODY, gid: NOBODY, cwd: '/' })
    .status === 0;
const dirs: string[] = [];
afterAll(() => void (process.env.KEEP_TEST_DIR || dirs.forEach(removeDir)));
const scratch = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const unit = (name: string) => readFileSync(path.join(UNITS, name), 'utf8');
const setting = (text: string, key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);
const run = (command: string, args: string[]) => {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
};

describe('deploy/systemd', () => {
  // systemd-analyze comes with Debian's systemd package (CI installs it); no running systemd is needed.
  it.skipIf(!has('systemd-analyze'))('the units pass systemd-analyze verify with nothing to say (needs systemd-analyze)', () => {
    const dir = scratch();
    // verify checks that ExecStart's program exists: /usr/bin/node is Debian's (and NodeSource's) Node.
    // Where Node lives elsewhere, the copies point at this Node instead, and say so.
    const node = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;
    if (node !== '/usr/bin/node') console.info(`systemd-units: /usr/bin/node is absent here; verifying with ExecStart=${node}`);
    for (const name of ['onair-controller.service', 'onair-agent@.service'])
      writeFileSync(path.join(dir, name), unit(name).replaceAll('/usr/bin/node ', `${node} `));
    // A template is verified through an instance of it.
    symlinkSync(path.join(dir, 'onair-agent@.service'), path.join(dir, 'onair-agent@agent-a.service'));
    for (const name of ['onair-controller.service', 'onair-agent@agent-a.service']) {
      const verified = run('systemd-analyze', ['verify', path.join(dir, name)]);
      expect(verified, name).toEqual({ status: 0, output: '' });
    }
    // The check can fail: a program that is not there, and a key in the wrong section.
    writeFileSync(path.join(dir, 'absent.service'), unit('onair-controller.service').replaceAll(`${node} `, '/nonexistent/node '));
    const absent = run('systemd-analyze', ['verify', path.join(dir, 'absent.service')]);
    expect(absent.status).not.toBe(0);
    expect(absent.output).toMatch(/\/nonexistent\/node is not executable/);
    writeFileSync(
      path.join(dir, 'misplaced.service'),
      readFileSync(path.join(dir, 'onair-controller.service'), 'utf8').replace('[Service]\n', '[Service]\nRestartSecs=1\n'),
    );
    expect(run('systemd-analyze', ['verify', path.join(dir, 'misplaced.service')]).output).toMatch(
      /Unknown key 'RestartSecs' in section \[Service\]/,
    );
  });

  it.skipIf(!has('systemd-sysusers') || !has('systemd-tmpfiles'))(
    'sysusers and tmpfiles make the onair user and /etc/onair, as installed (needs systemd-sysusers, systemd-tmpfiles)',
    () => {
      const root = scratch();
      mkdirSync(path.join(root, 'etc'));
      mkdirSync(path.join(root, 'usr/lib/sysusers.d'), { recursive: true });
      mkdirSync(path.join(root, 'usr/lib/tmpfiles.d'), { recursive: true });
      copyFileSync(path.join(UNITS, 'onair.sysusers'), path.join(root, 'usr/lib/sysusers.d/onair.conf'));
      copyFileSync(path.join(UNITS, 'onair.tmpfiles'), path.join(root, 'usr/lib/tmpfiles.d/onair.conf'));
      expect(run('systemd-sysusers', [`--root=${root}`]).status).toBe(0);
      const passwd = readFileSync(path.join(root, 'etc/passwd'), 'utf8');
      const group = readFileSync(path.join(root, 'etc/group'), 'utf8');
      const user = /^onair:x:(\d+):(\d+):[^:]*:\/var\/lib\/onair:\/usr\/sbin\/nologin$/m.exec(passwd);
      expect(user, passwd).not.toBeNull();
      expect(Number(user![1]), 'a system user').toBeLessThan(1000);
      const gid = Number(/^onair:x:(\d+):/m.exec(group)![1]);
      expect(Number(user![2])).toBe(gid);
      expect(group, 'serial gear through dialout').toMatch(/^dialout:x:\d+:onair$/m);
      if (!isRoot) return; // tmpfiles needs root to give root:onair
      expect(run('systemd-tmpfiles', [`--root=${root}`, '--create']).status).toBe(0);
      for (const dir of ['etc/onair', 'etc/onair/agents', 'etc/onair/tls']) {
        const s = spawnSync('stat', ['-c', '%a %u %g', path.join(root, dir)], { encoding: 'utf8' }).stdout.trim();
        expect(s, dir).toBe(`750 0 ${gid}`);
      }
    },
  );

  it('units, example configs and docs agree on one layout', () => {
    const controller = unit('onair-controller.service');
    const agent = unit('onair-agent@.service');
    for (const text of [controller, agent]) {
      expect(setting(text, 'User')).toEqual(['onair']);
      expect(setting(text, 'Group')).toEqual(['onair']);
      expect(setting(text, 'Restart')).toEqual(['always']);
    }
    expect(setting(controller, 'ExecStart')).toEqual([
      '/usr/bin/node /opt/onair/bin/onair.js controller --config /etc/onair/controller.yaml --data /var/lib/onair',
    ]);
    expect(setting(controller, 'StateDirectory')).toEqual(['onair']);
    expect(setting(agent, 'ExecStart')).toEqual([
      '/usr/bin/node /opt/onair/bin/onair.js agent --config /etc/onair/agents/%i.yaml --state /var/lib/onair/agents/%i',
    ]);
    expect(setting(agent, 'StateDirectory')).toEqual(['onair/agents/%i']);
    // The example configs are valid and keep their secrets in /etc/onair.
    const controllerYaml = readFileSync(path.join(DEPLOY, 'etc/onair/controller.yaml'), 'utf8');
    expect(parseControllerConfig(controllerYaml, 'controller.yaml').dataDir).toBe('/var/lib/onair');
    const agentConfig = parseAgentConfig(
      readFileSync(path.join(DEPLOY, 'etc/onair/agents/agent-a.yaml'), 'utf8'),
      'agent-a.yaml',
      builtInDrivers(),
    );
    expect(agentConfig.broker).toMatchObject({ username: 'agent/agent-a', passwordFile: '/etc/onair/agents/agent-a.password' });
    // The deployment guide points at the files instead of carrying copies that drift.
    const guide = readFileSync(path.join(packageRoot(), 'docs/deployment.md'), 'utf8');
    for (const file of [
      'deploy/systemd/onair-controller.service',
      'deploy/systemd/onair-agent@.service',
      'deploy/systemd/onair.sysusers',
      'deploy/systemd/onair.tmpfiles',
      'deploy/etc/onair/controller.yaml',
      'deploy/etc/onair/agents/agent-a.yaml',
    ])
      expect(guide).toContain(file);
    expect(guide).not.toMatch(/^\[Service\]$/m);
  });

  it('takes a secret file of mode 0640 (root:onair), never one others can read or its group write', () => {
    const dir = scratch();
    const file = path.join(dir, 'secret');
    writeFileSync(file, 'hunter2\n');
    for (const [mode, outcome] of [
      [0o600, 'ok'],
      [0o640, 'ok'],
      [0o400, 'ok'],
      [0o644, /readable by others \(mode 644\); chmod 600 it/],
      [0o604, /readable by others/],
      [0o660, /writable by its group \(mode 660\); chmod 640 it/],
    ] as const) {
      chmodSync(file, mode);
      if (outcome === 'ok') expect(readSecret({ file }, 'broker'), mode.toString(8)).toBe('hunter2');
      else expect(() => readSecret({ file }, 'broker'), mode.toString(8)).toThrow(outcome);
    }
  });

  it.skipIf(!checkoutReadableByNobody)(
    'runs an agent from the layout as a user of its own, its credential root-owned and read through its group (needs root to switch users, and a checkout others may read)',
    async () => {
      const controller = await startController({ dataDir: path.join(scratch(), 'data') });
      const secret = await controller.identities.enrollAgent('agent-a');
      const plainUrl = new URL(controller.brokerUrl);
      plainUrl.username = '';
      plainUrl.password = '';
      // /etc/onair and /var/lib/onair of the layout, under a throwaway root nobody may traverse.
      const root = scratch();
      chmodSync(root, 0o755);
      const etc = path.join(root, 'etc/onair');
      const agents = path.join(etc, 'agents');
      const state = path.join(root, 'var/lib/onair/agents/agent-a');
      mkdirSync(agents, { recursive: true });
      mkdirSync(state, { recursive: true });
      for (const dir of [etc, agents]) (chownSync(dir, 0, NOBODY), chmodSync(dir, 0o750));
      for (const dir of [
        path.join(root, 'var'),
        path.join(root, 'var/lib'),
        path.join(root, 'var/lib/onair'),
        path.join(root, 'var/lib/onair/agents'),
      ])
        chmodSync(dir, 0o755);
      chownSync(state, NOBODY, NOBODY);
      chmodSync(state, 0o750);
      const shipped = parse(readFileSync(path.join(DEPLOY, 'etc/onair/agents/agent-a.yaml'), 'utf8')) as {
        broker: Record<string, unknown>;
      };
      const { caFile: _plainMqtt, ...broker } = shipped.broker;
      const config = path.join(agents, 'agent-a.yaml');
      writeFileSync(
        config,
        stringify({
          ...shipped,
          broker: {
            ...broker,
            url: plainUrl.toString().replace(/\/$/, ''),
            passwordFile: String(broker.passwordFile).replace('/etc/onair/', `${etc}/`),
          },
        }),
      );
      const password = path.join(agents, 'agent-a.password');
      writeFileSync(password, `${secret}\n`);
      for (const file of [config, password]) (chownSync(file, 0, NOBODY), chmodSync(file, 0o640));
      const child = spawn(process.execPath, [onairBin(), 'agent', '--config', config, '--state', state], {
        uid: NOBODY,
        gid: NOBODY,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await Promise.race([
          waitUntil(
            () => controller.status().agents.find((a) => a.agent === 'agent-a' && a.online),
            20_000,
            'agent-a online, run as nobody',
          ),
          exited.then((code) => Promise.reject(new Error(`the agent exited (${code}): ${output}`))),
        ]);
        expect(output).not.toMatch(/EACCES|readable by others/);
      } finally {
        child.kill('SIGTERM');
        await exited;
        await controller.stop();
      }
    },
    40_000,
  );
});
