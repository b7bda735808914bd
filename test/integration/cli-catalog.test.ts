/**
 * The catalog from the command line (`onair profile`, `device`, `slot`, `test`): the `onair` binary as
 * users run it, against a running controller on an ephemeral port.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeClient, eventually, rawClient, waitUntil } from './helpers.ts';
import { eventsOf } from '../../protocols/events.ts';
import { useCliStudio } from './cli-studio.ts';

const studio = useCliStudio();
const { onair } = studio;

describe('onair profile', () => {
  it('validates, adds, lists and shows profiles in the controller, refusing a changed version', async () => {
    const library = path.resolve(import.meta.dirname, '../../hardware-profiles');
    const add = await onair('profile', 'add', `${library}/shure-ulxd4.yaml`, `${library}/sony-srg-300h.yaml`);
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe('added  shure-ulxd4 v1\nadded  sony-srg-300h v2\n');
    expect((await onair('profile', 'add', `${library}/shure-ulxd4.yaml`)).stdout).toBe('unchanged  shure-ulxd4 v1\n');

    const changed = path.join(studio.dir, 'shure-ulxd4.yaml');
    writeFileSync(
      changed,
      (await import('node:fs')).readFileSync(`${library}/shure-ulxd4.yaml`, 'utf8').replace('model: ULXD4', 'model: ULXD4 rev B'),
    );
    const refused = await onair('profile', 'add', changed);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'onair: profile shure-ulxd4 version 1 is already stored with other content; give the change a new version\n',
    );

    const list = JSON.parse((await onair('profile', 'list', '--json')).stdout) as Array<{ profile: string; addedBy: string }>;
    expect(list.map((p) => p.profile)).toEqual(['shure-ulxd4', 'simulated-camera', 'sony-srg-300h']); // simulated-camera: the test rig's own gear
    expect(list[0]!.addedBy).toContain('@');
    const shown = await onair('profile', 'show', 'sony-srg-300h');
    expect(shown.stdout).toMatch(/^# added by .*\nprofile: sony-srg-300h\nversion: 2\n/);
    expect(
      eventsOf(studio.controller.events({}), 'profile.added')
        .filter((e) => e.by !== 'test')
        .map((e) => e.data.profile),
    ).toEqual(['shure-ulxd4', 'sony-srg-300h']);

    const bad = await onair('profile', 'add', path.resolve(import.meta.dirname, '../fixtures/profiles/bad-typos.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /bad-typos\.yaml:5:1: kind: must be one of [^\n]*\n[^\n]*bad-typos\.yaml:10:41: health\.rules\.0\.status[^\n]*\n[^\n]*bad-typos\.yaml:7:15: connection\.baudrate[^\n]*\n[^\n]*bad-typos\.yaml:12:21: selfTest\.0\.action[^\n]*\nonair: 1 of 1 profiles have errors; nothing was added\n$/,
    );
  });
});

describe('onair device', () => {
  it('registers, lists, shows, changes and removes devices, checking connections against the driver', async () => {
    const library = path.resolve(import.meta.dirname, '../../hardware-profiles');
    await onair('profile', 'add', `${library}/sony-srg-300h.yaml`);
    const add = await onair(
      'device',
      'add',
      'agent-a/ptz-1',
      '--profile',
      'sony-srg-300h',
      '--studio',
      'studio-a',
      '--set',
      'path=/dev/serial/by-id/usb-FTDI-1',
      'address=2',
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe('registered  agent-a/ptz-1  (sony-srg-300h v2)\n');
    expect((await onair('device', 'add', 'agent-a/ptz-1', '--profile', 'sony-srg-300h@2', '--set', 'path=/dev/ttyUSB3')).stdout).toBe(
      'changed  agent-a/ptz-1  (sony-srg-300h v2)\n',
    );

    const typo = await onair('device', 'add', 'agent-a/ptz-2', '--profile', 'sony-srg-300h', '--set', 'path=/dev/ttyUSB4', 'adress=2');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('onair: agent-a/ptz-2: not valid for its visca driver:\n  adress: unknown option (did you mean "address"?)\n');
    const missing = await onair('device', 'add', 'agent-a/ptz-3', '--profile', 'sony-srg-300h');
    expect(missing.stderr).toBe('onair: agent-a/ptz-3: not valid for its visca driver:\n  path: is required\n');
    const secret = await onair('device', 'add', 'agent-a/cam-9', '--profile', 'sony-srg-300h', '--set', 'password=hunter2');
    expect(secret.stderr).toBe(
      "onair: --set password: secrets are never stored; give passwordEnv=VARIABLE (set on the agent's machine) instead\n",
    );
    const noProfile = await onair('device', 'add', 'agent-a/x', '--profile', 'nope');
    expect(noProfile.stderr).toBe('onair: no profile "nope"\n');
    const roleAlone = await onair(
      'device',
      'add',
      'agent-a/x',
      '--profile',
      'sony-srg-300h',
      '--set',
      'path=/dev/ttyUSB5',
      '--media-role',
      'program',
    );
    expect(roleAlone.stderr).toBe('onair: --media-role needs a source: give --media-url URL or --media-stream (its profile names none)\n');
    const watched = ['agent-a/ptz-m', '--profile', 'sony-srg-300h', '--set', 'path=/dev/ttyUSB5', '--media-url', 'srt://10.0.20.9:9000'];
    expect((await onair('device', 'add', ...watched, '--media-role', 'program')).stdout).toBe(
      'registered  agent-a/ptz-m  (sony-srg-300h v2)\n',
    );
    expect(JSON.parse((await onair('device', 'show', 'agent-a/ptz-m')).stdout)).toMatchObject({
      media: { source: { url: 'srt://10.0.20.9:9000' }, role: 'program' },
    });
    await onair('device', 'remove', 'agent-a/ptz-m');

    const list = JSON.parse((await onair('device', 'list', '--json', '--studio', 'studio-a')).stdout) as unknown[];
    expect(list).toEqual([]); // the change above dropped the studio: a change replaces the registration
    const shown = JSON.parse((await onair('device', 'show', 'agent-a/ptz-1')).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({
      agent: 'agent-a',
      device: 'ptz-1',
      profile: 'sony-srg-300h',
      profileVersion: 2,
      options: { path: '/dev/ttyUSB3' },
    });
    // The agent picked it up live: it runs it (no camera is on that port, so the device is offline).
    await eventually(
      async () => JSON.parse((await onair('device', 'show', 'agent-a/ptz-1')).stdout).deployment === 'running',
      5_000,
      'agent runs ptz-1',
    );
    expect(studio.agent.deviceIds()).toContain('ptz-1');

    expect((await onair('device', 'remove', 'agent-a/ptz-1', '--reason', 'sent for repair')).stdout).toBe('removed  agent-a/ptz-1\n');
    expect((await onair('device', 'show', 'agent-a/ptz-1')).stderr).toBe('onair: no registered device agent-a/ptz-1\n');
    await waitUntil(() => !studio.agent.deviceIds().includes('ptz-1'), 5_000, 'agent stopped ptz-1');
    const audit = studio.controller
      .events({})
      .filter((e) => (e.type === 'device.added' || e.type === 'device.removed') && e.device === 'ptz-1');
    expect(audit.map((e) => `${e.type} ${e.device} ${e.reason ?? ''}`.trim())).toEqual([
      'device.added ptz-1',
      'device.added ptz-1',
      'device.removed ptz-1 sent for repair',
    ]);
    expect(audit.every((e) => e.by?.includes('@'))).toBe(true);
  });
});

describe('onair slot and onair test', () => {
  it('builds slots only from registered devices, and keeps a device that serves a slot registered', async () => {
    const unregistered = await onair('slot', 'add', 'studio-a/cam-tight', '--primary', 'cam-1', '--backup', 'cam-9');
    expect(unregistered.code).toBe(1);
    expect(unregistered.stderr).toBe('onair: "cam-9" is not a registered device; register it first with onair device add\n');

    const add = await onair('slot', 'add', 'studio-a/cam-tight', '--primary', 'cam-1', '--backup', 'agent-a/cam-2', '--param', 'preset=3');
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe('defined  studio-a/cam-tight: agent-a/cam-1 → agent-a/cam-2\n');
    expect((await onair('slot', 'list')).stdout).toContain('studio-a/cam-tight       agent-a/cam-1 → agent-a/cam-2  (preset=3)\n');
    await waitUntil(
      () => studio.controller.status().slots.find((s) => s.slot === 'studio-a/cam-tight')?.state === 'ok',
      3_000,
      'new slot live',
    );
    expect((await onair('device', 'list', '--agent', 'agent-a')).stdout).toMatch(
      /^agent-a\/cam-1 +simulated-camera v1 +- +running +ok +studio-a\/cam-wide, studio-a\/cam-tight\n/m,
    );
    const failover = await onair('failover', 'studio-a/cam-tight', '--reason', 'check the new slot');
    expect(failover.stdout).toMatch(/^studio-a\/cam-tight: agent-a\/cam-1 → agent-a\/cam-2 in \d+ ms\n$/);

    const inUse = await onair('device', 'remove', 'agent-a/cam-1', '--reason', 'x');
    expect(inUse.stderr).toBe(
      'onair: agent-a/cam-1 is in slot studio-a/cam-wide, studio-a/cam-tight; take it out of the slot first (onair slot add to redefine, or onair slot remove)\n',
    );

    expect((await onair('slot', 'remove', 'studio-a/cam-tight', '--reason', 'rehearsal over')).stdout).toBe(
      'removed  studio-a/cam-tight\n',
    );
    expect(studio.controller.status().slots.map((s) => s.slot)).toEqual(['studio-a/cam-wide']);
    const audit = studio.controller
      .events({ slot: 'studio-a/cam-tight' })
      .filter((e) => e.type === 'slot.defined' || e.type === 'slot.removed');
    expect(audit.map((e) => `${e.type} ${e.reason ?? ''}`.trim())).toEqual(['slot.defined', 'slot.removed rehearsal over']);
    expect(audit.every((e) => e.by?.includes('@'))).toBe(true);
  });

  it("labels a device and a slot, and the status answer names them with the profile's model (issue 24)", async () => {
    const device = await onair(
      'device',
      'add',
      'agent-a/cam-2',
      '--profile',
      'simulated-camera',
      '--studio',
      'studio-a',
      '--label',
      'Close camera',
    );
    expect(device.stderr).toBe('');
    const slot = await onair(
      'slot',
      'add',
      'studio-a/cam-wide',
      '--label',
      'Wide shot',
      '--primary',
      'cam-1',
      '--backup',
      'agent-a/cam-2',
      '--param',
      'preset=1',
    );
    expect(slot.stderr).toBe('');
    expect((await onair('slot', 'list')).stdout).toContain(
      'studio-a/cam-wide        "Wide shot" agent-a/cam-1 → agent-a/cam-2  (preset=1)\n',
    );
    await waitUntil(
      () => studio.controller.status().slots.find((s) => s.slot === 'studio-a/cam-wide')?.label === 'Wide shot',
      3_000,
      'slot label',
    );
    const cam2 = () => studio.controller.status().devices.find((d) => d.device === 'cam-2');
    expect(cam2()).toMatchObject({ label: 'Close camera', model: 'OnAir Virtual PTZ camera', studio: 'studio-a' });
    expect(studio.controller.status().devices.find((d) => d.device === 'cam-1')?.label).toBeUndefined();
    await waitUntil(() => cam2()?.status === 'ok', 5_000, 'cam-2 ok again after its change');
  });

  it("sets a slot's content rule and plans a quiet window in a show (issue 22)", async () => {
    const add = await onair('slot', 'add', 'studio-a/cam-night', '--primary', 'cam-1', '--backup', 'agent-a/cam-2', '--may-be-dark');
    expect(add.stderr).toBe('');
    const strict = await onair('slot', 'add', 'studio-a/cam-host', '--primary', 'cam-2', '--on-content-fault', 'alarm');
    expect(strict.stderr).toBe('');
    const slides = await onair('slot', 'add', 'studio-a/slides', '--primary', 'cam-2', '--may-be-still');
    expect(slides.stderr).toBe('');
    const slots = JSON.parse((await onair('slot', 'list', '--json')).stdout) as Array<{
      id: string;
      mayBeDark?: boolean;
      mayBeStill?: boolean;
      onContentFault?: string;
    }>;
    expect(
      slots
        .filter((x) => x.id !== 'studio-a/cam-wide')
        .map(({ id, mayBeDark, mayBeStill, onContentFault }) => ({ id, mayBeDark, mayBeStill, onContentFault })),
    ).toEqual([
      { id: 'studio-a/cam-host', mayBeDark: undefined, mayBeStill: undefined, onContentFault: 'alarm' },
      { id: 'studio-a/cam-night', mayBeDark: true, mayBeStill: undefined, onContentFault: undefined },
      { id: 'studio-a/slides', mayBeDark: undefined, mayBeStill: true, onContentFault: undefined },
    ]);
    const listed = (await onair('slot', 'list')).stdout;
    expect(listed).toContain('studio-a/cam-host        agent-a/cam-2  [alarm on content faults]\n');
    expect(listed).toContain('studio-a/slides          agent-a/cam-2  [may be still]\n');
    await onair('show', 'add', 'night', '--studio', 'studio-a', '--start', '+1h', '--duration', '1h', '--slot', 'studio-a/cam-night');
    const quiet = await onair(
      'show',
      'quiet',
      'night',
      '--from',
      '+70m',
      '--for',
      '2m',
      '--fault',
      'black',
      'silent',
      '--note',
      'blackout scene',
    );
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^night: quiet .+ → .+ for black, silent of every slot\n$/);
    const elsewhere = await onair('show', 'quiet', 'night', '--from', '+70m', '--for', '2m', '--slot', 'studio-a/cam-wide');
    expect(elsewhere.stderr).toBe('onair: quiet window: studio-a/cam-wide is no slot of show night (its slots: studio-a/cam-night)\n');
    const shows = JSON.parse((await onair('show', 'list', '--json')).stdout) as Array<{ id: string; quiet?: Array<{ faults?: string[] }> }>;
    expect(shows.find((x) => x.id === 'night')?.quiet?.map((w) => w.faults)).toEqual([['black', 'silent']]);
    await onair('show', 'stop', 'night');
    for (const id of ['studio-a/cam-night', 'studio-a/cam-host', 'studio-a/slides']) await onair('slot', 'remove', id, '--reason', 'done');
  });

  it("runs a device's self-test from its profile, and never an intrusive step on gear that is on air", async () => {
    const offAir = await onair('test', 'run', 'cam-2');
    expect(offAir.stderr).toBe('');
    expect(offAir.stdout).toMatch(
      /^agent-a\/cam-2 \(simulated-camera@1\): PASSED in \d+ ms\n {2}pass {2}answers \d+ ms\n {2}pass {2}recall preset 1 \[intrusive\] \d+ ms\n$/,
    );

    expect((await onair('on-air', 'on', '--reason', 'rehearsal')).code).toBe(0);
    try {
      const onAir = JSON.parse((await onair('test', 'run', 'agent-a/cam-2', '--json')).stdout) as {
        result: string;
        steps: Array<{ name: string; status: string; detail?: string }>;
      };
      expect(onAir.result).toBe('passed');
      expect(onAir.steps).toEqual([
        expect.objectContaining({ name: 'answers', status: 'passed' }),
        expect.objectContaining({ name: 'recall preset 1', status: 'skipped', detail: 'on air: serves slot studio-a/cam-wide' }),
      ]);
    } finally {
      await onair('on-air', 'off', '--reason', 'rehearsal over');
    }
    const jobs = studio.controller.events({ device: 'cam-2' }).filter((e) => e.type === 'job.finished');
    expect(jobs.map((e) => `${String(e.data.kind)} ${String(e.data.state)}`)).toEqual(['manual passed', 'manual passed']);
    expect(jobs.every((e) => e.by?.includes('@'))).toBe(true); // who asked, as user@host
  });

  it('a self-test that fails names the step and why, and exits 3', async () => {
    const broken = await onair('test', 'run', 'cam-1', '--no-intrusive');
    expect(broken.code).toBe(0); // healthy, intrusive step skipped on request
    expect(broken.stdout).toContain('skip  recall preset 1 [intrusive] — intrusive steps were not allowed for this run');
    const client = await rawClient(studio.broker);
    try {
      await client.publishAsync(
        'onair/v1/agents/agent-a/commands',
        JSON.stringify({
          id: 'f1',
          device: 'cam-1',
          action: 'simulate.fault',
          params: { mode: 'degraded' },
          ttlMs: 5_000,
          issuedBy: 'test',
        }),
        { qos: 1 },
      );
      const failed = await onair('test', 'run', 'cam-1', '--no-intrusive');
      expect(failed.code).toBe(3);
      expect(failed.stdout).toMatch(
        /FAIL {2}answers \d+ ms — health is degraded, expected ok: temperature: 78 °C is over 70 °C \(after \d+ ms\)/,
      );
    } finally {
      await client.publishAsync(
        'onair/v1/agents/agent-a/commands',
        JSON.stringify({ id: 'f2', device: 'cam-1', action: 'simulate.clear', params: {}, ttlMs: 5_000, issuedBy: 'test' }),
        { qos: 1 },
      );
      await closeClient(client);
    }
  });
});
