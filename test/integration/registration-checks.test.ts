/**
 * What a slot member's activate is sent, and what a unit's self-test is sent, are checked when they are
 * registered — by the controller, for any MQTT client, as by the CLI. ONVIF presets are tokens (`p1`),
 * VISCA presets numbers: a slot with one of each takes a preset per member, and a unit its own test
 * parameters.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryProfile } from '../../studio-harness/catalog-setup.ts';
import { request, withController } from '../../client/request-client.ts';
import type { Controller } from '../../controller/controller.ts';
import type { OperationName, OperationParams } from '../../protocols/contract.ts';
import { removeDir, runOnair, startController, tempDir } from './helpers.ts';

let dir: string;
let controller: Controller;

const ask = <O extends OperationName>(op: O, params: OperationParams<O>) => {
  const options = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'technician' };
  return withController(options, (c) => request(c, op, params, options));
};
const register = (device: string, profile: string, options: Record<string, unknown>, testParams?: Record<string, unknown>) =>
  ask('device.add', {
    registration: {
      agent: 'agent-a',
      device,
      profile,
      profileVersion: libraryProfile(profile).version,
      options,
      ...(testParams ? { testParams } : {}),
    },
  });

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: path.join(dir, 'data') });
  for (const p of ['ptzoptics-20x-sdi-g2', 'sony-srg-300h', 'chauvet-ovation-e-260ww'])
    await ask('profile.add', { profile: libraryProfile(p) });
  await register('cam-1', 'ptzoptics-20x-sdi-g2', { host: '10.0.20.11' }, { preset: 'p1' });
  await register('cam-2', 'sony-srg-300h', { path: '/dev/ttyUSB0' });
});

afterAll(async () => {
  await controller.stop();
  removeDir(dir);
});

describe('slot members of different kinds', () => {
  it('refuses one parameter that does not fit every member, and takes one per member', async () => {
    await expect(
      ask('slot.add', { slot: 'studio-a/cam-wide', primary: 'cam-1', backups: ['cam-2'], params: { preset: 'p1' } }),
    ).rejects.toThrow('slot studio-a/cam-wide cannot be defined:\n  agent-a/cam-2 (visca): activate: preset: Expected integer');
    const { slot } = await ask('slot.add', {
      slot: 'studio-a/cam-wide',
      primary: 'cam-1',
      backups: ['cam-2'],
      memberParams: { 'cam-1': { preset: 'p1' }, 'agent-a/cam-2': { preset: 2 } },
    });
    expect(slot.memberParams).toEqual({ 'agent-a/cam-1': { preset: 'p1' }, 'agent-a/cam-2': { preset: 2 } });
    await expect(
      ask('slot.add', { slot: 'studio-a/cam-wide', primary: 'cam-1', backups: ['cam-2'], memberParams: { 'cam-2': { presett: 2 } } }),
    ).rejects.toThrow('agent-a/cam-2 (visca): activate: presett: unknown parameter (did you mean "preset"?)');
    expect(controller.status().slots[0]!.slot).toBe('studio-a/cam-wide'); // the refused redefinitions changed nothing
  });

  it('the CLI takes member.key=value', async () => {
    const run = await runOnair(
      controller.brokerUrl,
      'slot',
      'add',
      'studio-a/cam-close',
      '--primary',
      'cam-2',
      '--backup',
      'cam-1',
      '--param',
      'cam-1.preset=p2',
      '--param',
      'agent-a/cam-2.preset=3',
    );
    expect(run.stderr).toBe('');
    const { slots } = await ask('slot.list', {});
    expect(slots.find((s) => s.id === 'studio-a/cam-close')?.memberParams).toEqual({
      'agent-a/cam-1': { preset: 'p2' },
      'agent-a/cam-2': { preset: 3 },
    });
  });

  it('a light slot checks its scene against the fixture’s own scenes', async () => {
    await register('light-1', 'chauvet-ovation-e-260ww', { path: '/dev/ttyUSB1', address: 1, uid: '7ff0:00000101' });
    await expect(ask('slot.add', { slot: 'studio-a/key', primary: 'light-1', params: { scene: 'disco' } })).rejects.toThrow(
      /activate: scene "disco" is not one of its scenes: .*key/,
    );
  });
});

describe('profiles over plain MQTT', () => {
  it('are checked against their driver as the CLI checks them', async () => {
    const typo = { ...libraryProfile('sony-srg-300h'), profile: 'sony-typo', roles: { activate: { action: 'recall-presett' } } };
    await expect(ask('profile.add', { profile: typo })).rejects.toThrow(
      /profile sony-typo v2 is not valid for its driver:\n {2}roles\.activate\.action: must be one of .* \(did you mean "recall-preset"\?\)/,
    );
  });
});

describe('self-test parameters per unit', () => {
  it('are checked against the self-test steps that use them', async () => {
    await expect(register('cam-3', 'sony-srg-300h', { path: '/dev/ttyUSB2' }, { preset: 'p1' })).rejects.toThrow(
      'self-test step "recall preset 1": recall-preset: preset: Expected integer',
    );
    await expect(register('cam-4', 'ptzoptics-20x-sdi-g2', { host: '10.0.20.12' }, { presett: 'p1' })).rejects.toThrow(
      'test parameter "presett" is used by no self-test step (they take: preset)',
    );
    const run = await runOnair(
      controller.brokerUrl,
      'device',
      'add',
      'agent-a/cam-5',
      '--profile',
      'ptzoptics-20x-sdi-g2',
      '--set',
      'host=10.0.20.13',
      '--test-param',
      'preset=Wide',
    );
    expect(run.stderr).toBe('');
    expect((await ask('device.show', { agent: 'agent-a', device: 'cam-5' })).testParams).toEqual({ preset: 'Wide' });
  });

  it('a connection its driver refuses is refused by the controller too, whoever sends it', async () => {
    await expect(register('cam-6', 'sony-srg-300h', { path: '/dev/ttyUSB3', adress: 2 })).rejects.toThrow(
      'adress: unknown option (did you mean "address"?)',
    );
  });
});
