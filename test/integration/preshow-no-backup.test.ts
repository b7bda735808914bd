/**
 * Issue 20, point 16: a pre-show check once said GO with the backup NOT READY (its ONVIF self-test failed:
 * no preset "1"), raising only a warning. A slot whose every backup failed is "GO — no backup" at best,
 * and a camera slot is NO-GO unless the show (or the profile) says otherwise. Two ONVIF cameras over
 * HTTP/SOAP, the backup without preset 1; the checklist read through `onair preshow` as a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { OnvifCameraSimulator } from '../../simulators/onvif-camera.ts';
import { removeDir, runOnair, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const PASSWORD_ENV = 'ONAIR_TEST_PRESHOW_CAMERA_PASSWORD';
let dir: string;
let controller: Controller;
let agents: Agent[] = [];
const primary = new OnvifCameraSimulator({ password: 'cam-secret', moveMs: 50 });
const backup = new OnvifCameraSimulator({ password: 'cam-secret', moveMs: 50 });

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'engineer' };
  return withController(options, (c) => request(c, op, params, options));
};

beforeAll(async () => {
  process.env[PASSWORD_ENV] = 'cam-secret';
  backup.presets.delete('1'); // nobody stored preset 1 on the backup camera
  dir = tempDir();
  const [p1, p2] = [await primary.listen(), await backup.listen()];
  controller = await startController({ dataDir: dir, config: { plan: { tickMs: 50, preShowRetryMs: 200 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  const camera = (port: number) => ({ host: '127.0.0.1', port, username: 'admin', passwordEnv: PASSWORD_ENV, requestTimeoutMs: 500 });
  await registerStudio(controller.brokerUrl, {
    by: 'technician',
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'ptzoptics-20x-sdi-g2', probe: { intervalMs: 200 }, options: camera(p1) },
      { agent: 'agent-b', device: 'cam-2', profile: 'ptzoptics-20x-sdi-g2', probe: { intervalMs: 200 }, options: camera(p2) },
    ],
    slots: [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 2 } }],
  });
  const status = (id: string) => controller.status().devices.find((d) => d.device === id)?.status;
  await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 20_000, 'cameras ok');
}, 40_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await controller?.stop();
  await primary.stop();
  await backup.stop();
  removeDir(dir);
  delete process.env[PASSWORD_ENV];
});

async function checked(show: string, withoutBackup?: 'go' | 'no-go') {
  const startsAt = Date.now() + 3_600_000;
  await ask('show.add', {
    id: show,
    studio: 'studio-a',
    startsAt,
    endsAt: startsAt + 3_600_000,
    slots: [SLOT],
    ...(withoutBackup ? { withoutBackup } : {}),
  });
  await ask('preshow', { show, run: true });
  const isChecklist = (e: ControllerEvent): boolean => e.type === 'preshow.checklist' && e.data.show === show;
  return waitUntil<ControllerEvent>(() => controller.events({}).find(isChecklist), 30_000, `checklist of ${show}`);
}

describe('a pre-show check whose every backup failed its self-test', () => {
  it('a camera slot is NO-GO by default, with a critical alarm, and `onair preshow` says why', async () => {
    const event = await checked('news');
    expect(event).toMatchObject({ reason: 'NO-GO', data: { go: false, slots: [{ slot: SLOT, go: false, verdict: 'no-go' }] } });
    const checklist = await ask('preshow', { show: 'news' });
    expect(checklist.slots[0]!.members.find((m) => m.device === 'cam-2')).toMatchObject({
      ready: false,
      detail: expect.stringContaining('no preset "1"'),
    });
    const alarm = controller.events({}).find((e) => e.type === 'alarm' && e.data.show === 'news');
    expect(alarm).toMatchObject({ data: { severity: 'critical' } });
    const cli = await runOnair(controller.brokerUrl, 'preshow', 'news');
    expect(cli.code, cli.stderr).toBe(3);
    expect(cli.stdout).toMatch(/news .*: NO-GO/);
    expect(cli.stdout).toMatch(/NO-GO\s+studio-a\/cam-wide/);
    expect(cli.stdout).toMatch(/every backup failed its self-test \(agent-b\/cam-2\): NO-GO \(a camera slot is NO-GO without a backup/);
  }, 60_000);

  it('a show that accepts it is "GO — no backup", shown as such, with a warning', async () => {
    const event = await checked('rehearsal', 'go');
    expect(event).toMatchObject({
      reason: 'GO — 1 slot(s) with no backup',
      data: { go: true, slots: [{ slot: SLOT, go: true, verdict: 'go-no-backup' }] },
    });
    const alarm = controller.events({}).find((e) => e.type === 'alarm' && e.data.show === 'rehearsal');
    expect(alarm).toMatchObject({ data: { severity: 'warning' } });
    const cli = await runOnair(controller.brokerUrl, 'preshow', 'rehearsal');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/rehearsal .*: GO — 1 slot with no backup/);
    expect(cli.stdout).toMatch(/GO — no backup\s+studio-a\/cam-wide/);
  }, 60_000);
});
