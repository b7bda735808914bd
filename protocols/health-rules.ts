/**
 * Health rules from equipment profiles turn a probe's metrics into checks. Pure and O(rules) per
 * probe: the agent applies them to every reading, so a profile change never needs new driver code.
 */
import type { EquipmentProfile, HealthRule } from './profile.ts';
import type { DeviceStatus, HealthCheck, Metrics } from './schemas.ts';

/** How bad a status is, for "the worst of" and "at least as good as". */
export const SEVERITY: Readonly<Record<DeviceStatus, number>> = { ok: 0, unknown: 1, degraded: 2, offline: 3, failed: 4 };

/**
 * Health rules turn metrics into checks: per metric, the first rule that matches decides.
 * A metric the device did not report is no evidence either way and matches nothing.
 */
export function evaluateHealthRules(rules: readonly HealthRule[], metrics: Metrics): HealthCheck[] {
  const decided = new Set<string>();
  const checks: HealthCheck[] = [];
  for (const rule of rules) {
    if (decided.has(rule.metric)) continue;
    const value = metrics[rule.metric];
    if (value === undefined) continue;
    const matches =
      (rule.above === undefined || (typeof value === 'number' && value > rule.above)) &&
      (rule.below === undefined || (typeof value === 'number' && value < rule.below)) &&
      (rule.equals === undefined || value === rule.equals) &&
      (rule.above !== undefined || rule.below !== undefined || rule.equals !== undefined);
    if (!matches) continue;
    decided.add(rule.metric);
    checks.push({
      name: rule.kind === 'maintenance' ? `maintenance: ${rule.metric}` : rule.metric,
      status: rule.status,
      latencyMs: 0,
      detail: rule.message.replace('{value}', String(value)),
    });
  }
  return checks;
}

export function worstOf(statuses: Iterable<DeviceStatus>): DeviceStatus {
  let worst: DeviceStatus = 'ok';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

/** A profile's health rules followed by its wear limits, which read as "maintenance due" once passed. */
export function profileRules(profile: EquipmentProfile): HealthRule[] {
  const wear = profile.maintenance.wearLimits.map((limit): HealthRule => ({
    metric: limit.metric,
    above: limit.max,
    status: 'degraded',
    kind: 'maintenance',
    message: limit.message,
  }));
  return [...profile.health.rules, ...wear];
}
