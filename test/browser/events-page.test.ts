/**
 * The Events page in chromium at a tablet's width (768×1024), against a real controller with two
 * agents on simulated gear: a slot on air whose members are both on agent-b, then agent-b goes.
 * The page names events in words, shows the slot down on air as critical, folds the agent's loss
 * and its devices under one parent row that expands, and fits the width with nothing to scroll sideways.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { registerGear, startAgent, waitUntil } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig } from './console-rig.ts';

const ENGINEER = { user: 'eve', password: 'eve-engineer-password-1', role: 'engineer' as const };
const SLOT = 'studio-a/cam-wide';
const ARTIFACTS = path.resolve('.vitest', 'artifacts');

describe.skipIf(!existsSync(CHROMIUM))('the Events page', () => {
  let rig: ConsoleRig;
  const agents: Agent[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    rig = await startConsoleRig([ENGINEER]);
    const broker = rig.controller.brokerUrl;
    agents.push(await startAgent(broker, 'agent-a', []), await startAgent(broker, 'agent-b', []));
    await registerGear(
      broker,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        {
          agent: 'agent-b',
          devices: [
            { id: 'cam-2', kind: 'camera' },
            { id: 'cam-3', kind: 'camera' },
          ],
        },
      ],
      [{ id: SLOT, primary: 'agent-b/cam-2', backups: ['agent-b/cam-3'], params: {} }],
    );
    await waitUntil(() => rig.controller.status().devices.filter((d) => d.status === 'ok').length === 3, 20_000, 'the three cameras ok');
    await rig.ask('on-air', { onAir: true, reason: 'events page test' });
    // agent-b goes with both members of the slot: its devices offline, nothing to fail over to, the slot down on air.
    await agents.pop()!.stop();
    await waitUntil(() => rig.controller.events({ type: 'slot.down' }).length > 0, 20_000, 'the slot down');
    await waitUntil(
      () =>
        rig.controller.events({ type: 'device.state' }).filter((e) => e.type === 'device.state' && e.data.to === 'offline').length === 2,
      20_000,
      "agent-b's two cameras offline",
    );
  }, 90_000);

  afterEach(() => {
    expect(errors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await rig?.stop();
  });

  it('names events in words, a slot down on air is critical, an agent lost is one parent row with its devices inside, 768 px fits', async () => {
    // The facts the page weighs come from the controller, in the events themselves.
    expect(rig.controller.events({ type: 'slot.down' }).map((e) => e.type === 'slot.down' && e.data.onAir)).toEqual([true]);
    const offline = rig.controller.events({ type: 'device.state' }).filter((e) => e.type === 'device.state' && e.data.to === 'offline');
    expect(offline.map((e) => `${e.device}:${e.type === 'device.state' ? e.data.onAir : ''}`).sort()).toEqual([
      'cam-2:live',
      'cam-3:backup',
    ]);
    const page = await rig.open(ENGINEER, 'events', errors, { viewport: { width: 768, height: 1024 } });
    const down = page.locator(`tr[data-type="slot.down"][data-slot="${SLOT}"]`).first();
    await down.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await down.getAttribute('data-severity')).toBe('critical');
    expect(await down.locator('.name').textContent()).toBe('Slot down');
    expect(await down.locator('.what').textContent()).toContain('down on air');
    // Its cause was the agent's loss: the row is inside the loss's group, which shows the worst of it.
    expect(await down.getAttribute('class')).toContain('child');

    // The loss of agent-b: one parent row, its two cameras inside, with a count.
    const lost = page.locator('tr.parent[data-type="agent.offline"]').first();
    expect(await lost.locator('.name').textContent()).toContain('Agent lost');
    expect(await lost.getAttribute('data-severity')).toBe('critical');
    const fold = lost.locator('button.fold');
    expect(await fold.textContent()).toMatch(/\d+ related events?/);
    const children = page.locator('tr.child[data-type="device.state"]');
    // The second camera's change can be logged after the slot's fall: it comes on the live feed.
    await expect.poll(async () => (await children.locator('.where').allTextContents()).sort()).toEqual(['agent-b/cam-2', 'agent-b/cam-3']);
    expect(await children.locator('.name').allTextContents()).toEqual(['Device state changed', 'Device state changed']);
    expect((await children.locator('.what').allTextContents()).join('\n')).toMatch(/OK → OFFLINE \((live on air|backup of a slot on air)/);
    // An alarm waiting in the group opens it by itself; either way, one click folds it and the next opens it.
    if ((await fold.getAttribute('aria-expanded')) === 'true') {
      await fold.click();
      await expect.poll(() => fold.getAttribute('aria-expanded')).toBe('false');
      expect(await children.first().isVisible()).toBe(false);
    }
    await fold.click();
    await expect.poll(() => fold.getAttribute('aria-expanded')).toBe('true');
    expect(await children.first().isVisible()).toBe(true);
    expect(await children.nth(1).isVisible()).toBe(true);

    // A tablet's width: nothing to scroll sideways.
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      clientWidth: document.scrollingElement!.clientWidth,
    }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'events-768.png'), fullPage: true });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.context().close();
  });

  it('in Simplified Chinese: the same rows in Chinese words, and still nothing to scroll sideways at 768 px', async () => {
    const page = await rig.open(ENGINEER, 'events', errors, { viewport: { width: 768, height: 1024 }, locale: 'zh-CN' });
    const down = page.locator(`tr[data-type="slot.down"][data-slot="${SLOT}"]`).first();
    await down.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await down.locator('.name').textContent()).toBe('机位停播');
    expect(await down.locator('.severity').textContent()).toBe('严重');
    expect(await page.locator('tr.parent[data-type="agent.offline"] .name').first().textContent()).toContain('代理失联');
    expect(await page.locator('nav a[href="#/events"]').textContent()).toBe('事件');
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      clientWidth: document.scrollingElement!.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.context().close();
  });
});
