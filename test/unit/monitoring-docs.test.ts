/**
 * The Grafana dashboard and the alert rules in docs/monitoring use only metrics the controller
 * exposes, and the rules pass Prometheus' own checks: `promtool check rules`, and `promtool test
 * rules` on their unit tests (each alert fires on the series it should and names the slot or device).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noCounts } from '../../controller/controller-face.ts';
import { ControllerMetrics } from '../../controller/http/metrics.ts';
import type { StatusData } from '../../protocols/schemas.ts';

const empty: StatusData = {
  onAir: false,
  showsOnAir: [],
  agents: [],
  devices: [],
  slots: [],
  program: [],
  counters: {},
} as unknown as StatusData;
const RULES = 'docs/monitoring/onair-alerts.yml';
const RULE_TESTS = 'docs/monitoring/onair-alerts.test.yml';
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;
const promtool = (...args: string[]) => {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

describe('monitoring docs', () => {
  it('name no metric the controller does not expose', async () => {
    const metrics = new ControllerMetrics({ status: () => empty, counters: noCounts(), eventLogSize: () => 0 });
    const exposed = new Set(
      (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name],
      ),
    );
    for (const file of ['docs/monitoring/grafana-onair.json', RULES, RULE_TESTS]) {
      const named = new Set(readFileSync(file, 'utf8').match(/\bonair_[a-z_]+/g) ?? []);
      expect(named.size, file).toBeGreaterThan(2);
      expect(
        [...named].filter((n) => !exposed.has(n)),
        file,
      ).toEqual([]);
    }
  });

  // promtool comes with Debian's prometheus package (CI installs it).
  it.skipIf(!hasPromtool)('pass promtool check rules and the rules’ unit tests (promtool test rules)', () => {
    const checked = promtool('check', 'rules', RULES);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).not.toMatch(/warn/i);
    const tested = promtool('test', 'rules', RULE_TESTS);
    expect(tested.status, tested.output).toBe(0);
    expect(tested.output).toMatch(/SUCCESS/);
  });
});
