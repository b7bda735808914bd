/** `onair person|studio|contact|duty` and owners on shows, against a running controller: the round trip, refusals, secrets kept. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../controller/controller.ts';
import { registerGear, removeDir, runOnairWith, startController, tempDir } from './helpers.ts';

// People and contact points are an admin's (protocols/access.ts).
const ADMIN = { ONAIR_USER: 'ada', ONAIR_PASSWORD: 'ada-admin-password-1' };
const onair = (...args: string[]) => runOnairWith(ADMIN, broker, ...args);
const SECRET = 'hmac-key-never-answered-7f3a';

let dir: string;
let broker: string;
let controller: Controller;

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: dir });
  broker = controller.brokerUrl;
  await controller.identities.addUser(ADMIN.ONAIR_USER, 'admin', ADMIN.ONAIR_PASSWORD);
  // A slot for shows to name (no agent needed: nothing here goes on air).
  await registerGear(
    broker,
    [{ agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' as const }] }],
    [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: [], params: {} }],
  );
});

afterAll(async () => {
  await controller.stop();
  removeDir(dir);
});

const ok = async (...args: string[]): Promise<string> => {
  const run = await onair(...args);
  expect(run.stderr, args.join(' ')).toBe('');
  expect(run.code, args.join(' ')).toBe(0);
  return run.stdout;
};

describe('people, studios, contact points and the duty rota from the CLI', () => {
  it('round trip: contact points, people, a studio, a rota, and who is reached now', async () => {
    const secretFile = path.join(dir, 'hook.secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    expect(
      await ok('contact', 'add', 'ops-hook', '--kind', 'webhook', '--to', 'http://127.0.0.1:9/hook', '--secret-file', secretFile),
    ).toMatch(/^contact point ops-hook: webhook → http:\/\/127\.0\.0\.1:9\/hook \(signing secret stored\)\n$/);
    await ok('contact', 'add', 'wang-mail', '--kind', 'email', '--to', 'wang@studio.example', '--max-per-minute', '6');
    expect(
      await ok('person', 'add', 'wang', '--name', '王工 (Wang Lei)', '--login', 'wang', '--locale', 'zh-CN', '--contact', 'wang-mail'),
    ).toBe('person wang: 王工 (Wang Lei); contacts wang-mail\n');
    await ok('person', 'add', 'li', '--name', 'Li Na', '--contact', 'ops-hook');
    expect(await ok('studio', 'set', 'studio-a', '--responsible', 'wang', '--lead', 'li')).toBe(
      'studio studio-a: responsible wang, emergency lead li, manager —\n',
    );
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ok('duty', 'add', '--studio', 'studio-a', '--person', 'li', '--from', from, '--to', to)).toMatch(
      /^shift 1: li on call for studio-a .* \(UTC\)\n$/,
    );
    expect(await ok('duty', 'now')).toMatch(/^studio-a: first li \(on call until .*\); emergency lead li; manager —\n$/);
    const now = JSON.parse(await ok('duty', 'now', '--json')) as unknown[];
    expect(now).toEqual([expect.objectContaining({ studio: 'studio-a', first: 'li', onCall: expect.objectContaining({ shift: 1 }) })]);
    expect(JSON.parse(await ok('duty', 'list', '--json'))).toEqual([expect.objectContaining({ id: 1, person: 'li' })]);
    expect(JSON.parse(await ok('person', 'list', '--json'))).toEqual([
      expect.objectContaining({ id: 'li', contacts: ['ops-hook'] }),
      { id: 'wang', name: '王工 (Wang Lei)', login: 'wang', locale: 'zh-CN', contacts: ['wang-mail'] },
    ]);
  });

  it("speaks the studio's language to a shell that names none, Traditional Chinese on --lang, and the same JSON in every language", async () => {
    // LANG=C.UTF-8, as a fresh Debian container has it: no language chosen, so the studio's (zh-CN).
    const plain = { ...ADMIN, ONAIR_LANG: '', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' };
    const zh = await runOnairWith(plain, broker, 'duty', 'now');
    expect(zh.code, zh.stderr).toBe(0);
    expect(zh.stdout).toMatch(/^studio-a：首先通知 li（值班至 .*）；应急组长 li；经理 —\n$/);
    expect((await runOnairWith(plain, broker, 'studio', 'set', 'studio-a', '--responsible', 'wang', '--lead', 'li')).stdout).toBe(
      '演播室 studio-a：负责人 wang，应急组长 li，经理 —\n',
    );
    const tw = await runOnairWith(plain, broker, 'duty', 'now', '--lang', 'zh-TW');
    expect(tw.stdout).toMatch(/^studio-a：首先通知 li（值班至 .*）；應變組長 li；經理 —\n$/);
    const json = async (env: Record<string, string>) => (await runOnairWith(env, broker, 'duty', 'now', '--json')).stdout;
    expect(await json(plain)).toBe(await json({ ...ADMIN, ONAIR_LANG: 'en' }));
  });

  it("speaks the studio's language for the gear and the client's own errors: no English word beyond the names the JSON holds", async () => {
    const plain = { ...ADMIN, ONAIR_LANG: '', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' };
    const list = await runOnairWith(plain, broker, 'device', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/第 \d+ 版/);
    // Every Latin word left is a name of the studio's: its ids, profiles and studios, as --json has them.
    const names = (await runOnairWith(plain, broker, 'device', 'list', '--json')).stdout;
    expect(list.stdout.match(/[A-Za-z]{2,}/g)!.filter((word) => !names.includes(word))).toEqual([]);
    // The client's refusal: said in the CLI's language, English for a script that asks for it.
    const unreachable = ['events', '--broker', 'mqtt://127.0.0.1:1', '--timeout', '500'];
    const zh = await runOnairWith(plain, broker, ...unreachable);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toBe(
      'onair: 无法连接位于 mqtt://127.0.0.1:1 的 OnAir 消息代理（“onair controller”在运行吗？请设置 --broker 或 ONAIR_BROKER）\n',
    );
    expect((await onair(...unreachable)).stderr).toMatch(
      /^onair: cannot reach the OnAir broker at mqtt:\/\/127\.0\.0\.1:1 \(is "onair controller"/,
    );
    expect((await runOnairWith(plain, broker, 'device', 'add', 'no-slash', '--profile', 'x')).stderr).toBe(
      'onair: “no-slash”不是 agent/device\n',
    );
  });

  it('never answers a secret, and never takes one from the command line', async () => {
    const json = await ok('contact', 'list', '--json');
    expect(JSON.parse(json)).toContainEqual({ id: 'ops-hook', kind: 'webhook', to: 'http://127.0.0.1:9/hook', hasSecret: true });
    expect(json).not.toContain(SECRET);
    expect(await ok('contact', 'list')).not.toContain(SECRET);
    expect(await ok('events', '--json', '--since', '10m')).not.toContain(SECRET);
    const argv = await onair('contact', 'add', 'leaky', '--kind', 'slack', '--to', 'https://hooks.example/x', '--secret', 'abcdefgh123');
    expect(argv.code).toBe(1);
    expect(argv.stderr).toMatch(/read from a file .* never from the command line/);
  });

  it('refuses a removal that would leave a studio, a rota or a person without what they name, saying why', async () => {
    const person = await onair('person', 'remove', 'li');
    expect(person.code).toBe(1);
    expect(person.stderr).toMatch(/person li is still named by studio studio-a, duty shift 1/);
    const contact = await onair('contact', 'remove', 'ops-hook');
    expect(contact.code).toBe(1);
    expect(contact.stderr).toMatch(/contact point ops-hook is still used by li/);
    const backwards = await onair('duty', 'add', '--studio', 'studio-a', '--person', 'wang', '--from', '+2h', '--to', '+1h');
    expect(backwards.stderr).toMatch(/must end after it starts/);
    // Once nothing names it, it goes.
    await ok('contact', 'add', 'spare', '--kind', 'email', '--to', 'spare@studio.example');
    expect(await ok('contact', 'remove', 'spare')).toBe('removed spare\n');
  });

  it('a show names its owner and emergency lead, and only people who exist', async () => {
    const news = ['show', 'add', 'news', '--studio', 'studio-a', '--start', '+2h', '--duration', '30m', '--slot', 'studio-a/cam-wide'];
    const ghost = await onair(...news, '--owner', 'ghost');
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/no person "ghost"/);
    await ok(...news, '--owner', 'wang', '--lead', 'li');
    const shows = JSON.parse(await ok('show', 'list', '--json')) as Array<Record<string, unknown>>;
    expect(shows).toContainEqual(expect.objectContaining({ id: 'news', owner: 'wang', emergencyLead: 'li' }));
    const wang = await onair('person', 'remove', 'wang');
    expect(wang.stderr).toMatch(/studio studio-a, show news/);
  });
});
