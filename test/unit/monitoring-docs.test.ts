/** The Grafana dashboard and the alert rules in docs/monitoring use only metrics the controller exposes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../controller/metrics.ts';
import type { StatusData } from '../../protocols/schemas.ts';

const empty: StatusData = { onAir: false, showsOnAir: [], agents: [], devices: [], slots: [], program: [], counters: {} } as unknown as StatusData;

describe('monitoring docs', () => {
  it('name no metric the controller does not expose', async () => {
    const metrics = new ControllerMetrics({ status: () => empty, counters: {}, eventLogSize: () => 0 });
    const exposed = new Set((await metrics.registry.getMetricsAsJSON()).flatMap((m) => (String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name])));
    for (const file of ['docs/monitoring/grafana-onair.json', 'docs/monitoring/onair-alerts.yml']) {
      const named = new Set(readFileSync(file, 'utf8').match(/\bonair_[a-z_]+/g) ?? []);
      expect(named.size, file).toBeGreaterThan(3);
      expect([...named].filter((n) => !exposed.has(n)), file).toEqual([]);
    }
  });
});
