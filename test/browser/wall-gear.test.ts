/**
 * What the wall says (issue 24), in chromium against a real controller and two in-process agents on
 * simulated gear: devices and slots by the names the studio gave them, the gear that serves no slot
 * and the agents with their heartbeat's age, a failover message contradicted by what happened since,
 * and the wall dimmed (computed style) with "stale since …" while the live feed is cut.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agent } from '../../agent/agent.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { startAgent, waitUntil } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const EVE: Login = { user: 'eve', password: 'eve-engineer-password-1', role: 'engineer' };
const SLOT = 'studio-a/cam-wide';
const probe = { intervalMs: 100, timeoutMs: 80 };
const TIME = '\\d\\d:\\d\\d:\\d\\d';

describe.skipIf(!existsSync(CHROMIUM))('the wall names its gear, shows all of it, ages its messages and dims when stale', () => {
  let rig: ConsoleRig;
  let agentA: Agent;
  let agentB: Agent | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    rig = await startConsoleRig([EVE]);
    const broker = rig.controller.brokerUrl;
    agentA = await startAgent(broker, 'agent-a', []);
    agentB = await startAgent(broker, 'agent-b', []);
    await registerStudio(broker, {
      by: 'test',
      devices: [
        { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', studio: 'studio-a', label: 'Wide camera', probe },
        { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', studio: 'studio-a', label: 'Close camera', probe },
        { agent: 'agent-a', device: 'light-1', profile: 'simulated-light', studio: 'studio-a', label: 'Key light', probe },
        { agent: 'agent-a', device: 'mic-9', profile: 'simulated-mic', probe },
      ],
      slots: [{ id: SLOT, label: 'Wide shot', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 1 } }],
    });
    await waitUntil(() => rig.controller.status().devices.filter((d) => d.status === 'ok').length === 4, 10_000, 'gear ok');
    page = await rig.open(EVE, 'wall', errors);
  }, 60_000);

  afterEach(() => {
    expect(errors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await agentB?.stop();
    await agentA?.stop();
    await rig?.stop();
  });

  it('names slots and devices by their labels and models, the ids small beside them', async () => {
    const tile = page.locator(`[data-slot="${SLOT}"]`);
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await tile.locator('h3').textContent()).toBe('Wide shot cam-wide');
    expect(await tile.locator('h3 .id').textContent()).toBe('cam-wide');
    const cam1 = tile.locator('[data-member="agent-a/cam-1"]');
    expect(await cam1.locator('.label').textContent()).toBe('Wide camera — OnAir Virtual PTZ camera');
    expect(await cam1.locator('.id').textContent()).toBe('agent-a/cam-1');
    expect(await tile.locator('.live .label').textContent()).toBe('Wide camera — OnAir Virtual PTZ camera');
  });

  it('shows the gear in no slot by studio and kind, devices without a studio apart, and every agent with its heartbeat', async () => {
    const light = page.locator('[data-gear-of="studio-a"] [data-kind="light"] [data-gear="agent-a/light-1"]');
    await expect.poll(() => light.locator('.word').textContent(), { timeout: 10_000 }).toBe('OK');
    expect(await light.locator('.label').textContent()).toContain('Key light');
    const noStudio = page.locator('[data-studio="(no studio)"]');
    expect(await noStudio.locator('h2').textContent()).toMatch(/^\(no studio\)/);
    expect(
      await noStudio
        .locator('[data-kind="mic"] [data-gear="agent-a/mic-9"] .id, [data-kind="mic"] [data-gear="agent-a/mic-9"] a')
        .first()
        .textContent(),
    ).toBe('agent-a/mic-9');
    // Slot members are on their tile, not again under the gear.
    expect(await page.locator('[data-gear="agent-a/cam-1"]').count()).toBe(0);
    const agent = page.locator('[data-agent="agent-a"]');
    expect(await agent.locator('.word').textContent()).toBe('online');
    expect(await agent.locator('.heartbeat').textContent()).toMatch(/^heartbeat \d s ago$/);
  });

  it('a confirmed failover is said as contradicted once its new live member fails; the offline agent’s heartbeat ages each second', async () => {
    const tile = page.locator(`[data-slot="${SLOT}"]`);
    await rig.ask('failover', { slot: SLOT, to: 'agent-b/cam-2', reason: 'wall test' });
    const message = tile.locator('[data-progress="confirmed"]');
    await expect.poll(() => message.getAttribute('data-shown'), { timeout: 5_000 }).toBe('fresh');
    expect(await message.textContent()).toMatch(/^Failover confirmed: Close camera is live \(\d+ ms\) by eve.* \d s ago$/);

    await agentB!.stop();
    agentB = undefined;
    await expect.poll(() => message.getAttribute('data-shown'), { timeout: 10_000 }).toBe('contradicted');
    expect(await message.textContent()).toMatch(new RegExp(`^confirmed at ${TIME}; Close camera OFFLINE since ${TIME} .*s ago$`));
    expect(await message.evaluate((m) => getComputedStyle(m).color)).toBe('rgb(255, 180, 171)'); // not success green: console.css
    expect(await tile.getAttribute('data-state')).toBe('down');

    const agent = page.locator('[data-agent="agent-b"]');
    await expect.poll(() => agent.locator('.word').textContent(), { timeout: 10_000 }).toBe('offline');
    const age = async () => Number(/(\d+) s ago/.exec((await agent.locator('.heartbeat').textContent()) ?? '')?.[1]);
    const first = await age();
    await expect.poll(age, { timeout: 5_000 }).toBeGreaterThanOrEqual(first + 2);
  });

  it('in Simplified Chinese every word of the wall is Chinese, names and ids as given', async () => {
    // The page's own switch: the failover message it saw live stays, now in Chinese.
    await page.selectOption('label.language select', 'zh-CN');
    const zh = page;
    const tile = zh.locator(`[data-slot="${SLOT}"]`);
    await expect.poll(() => tile.locator('.state-word').textContent(), { timeout: 10_000 }).toBe('停播');
    expect(await tile.locator('[data-progress]').textContent()).toMatch(
      new RegExp(`^确认于 ${TIME}；Close camera 自 ${TIME} 起离线 操作人 eve.* \\d+ 秒前$`),
    );
    expect(await zh.locator('[data-agent="agent-b"] .word').textContent()).toBe('离线');
    expect(await zh.locator('[data-agent="agent-b"] .heartbeat').textContent()).toMatch(/^心跳 \d+ 秒前$/);
    expect(await zh.locator('[data-gear-of="studio-a"] h3').textContent()).toBe('其他设备');
    expect(await zh.locator('[data-studio="(no studio)"] h2').textContent()).toMatch(/^（无演播室）/);
    await page.selectOption('label.language select', 'en');
  });

  it('when the controller goes away the wall is dimmed (computed style) with "stale since …", not left bright red', async () => {
    const studio = page.locator('[data-studio="studio-a"]');
    const look = () => studio.evaluate((s) => ({ opacity: getComputedStyle(s).opacity, filter: getComputedStyle(s).filter }));
    expect(await look()).toEqual({ opacity: '1', filter: 'none' });
    expect(await page.locator('.wall').getAttribute('data-stale')).toBe(null);
    // Last: the controller stops (its HTTP side with it), and the page's live feed keeps trying to reconnect.
    await agentA.stop();
    await rig.controller.stop();
    await expect.poll(() => page.locator('.wall').getAttribute('data-stale'), { timeout: 10_000 }).toBe('true');
    expect(await page.locator('.stale-label').textContent()).toMatch(new RegExp(`^stale since ${TIME}: reconnecting to the controller$`));
    expect(await look()).toEqual({ opacity: '0.45', filter: 'grayscale(0.9)' });
    // The label itself is not dimmed.
    expect(await page.locator('.stale-label').evaluate((l) => getComputedStyle(l).opacity)).toBe('1');
  });
});
