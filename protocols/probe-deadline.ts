/**
 * A probe's deadline and its driver's own request deadline must agree: the probe's is the backstop for a
 * driver that hangs, the driver's gives the reason ("the board did not answer a version query", "the ATEM
 * did not acknowledge within 500 ms"). A probe deadline at or under the driver's fires first and the
 * engineer reads only "probe of gpio-1 timed out"; so the probe's is derived from the driver's: when not
 * given, and when a given one is not longer (then it is raised, and the agent says so in its log, naming
 * both fields). Refusing such configs instead would have broken every registration made with the old
 * 200 ms default in mind; raising it loses nothing (the driver's own deadline still bounds the probe).
 *
 * The deadline is never under 1 s: on a loaded 2-core machine (load average 10) a healthy device's
 * answer was seen 200-400 ms late, and the old 200 ms default made healthy gear flap. Detection of a hung
 * device costs failAfterProbes (2) probes: about the driver's own deadline plus one probe interval for a
 * driver that reports its own timeout, the probe deadline plus one interval for one that does not.
 */
import { Value } from '@sinclair/typebox/value';
import type { DriverSpec } from './drivers/spec.ts';

/** The probe deadline of a device whose driver declares no request deadline of its own. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;
/** How much longer than the driver's own deadline the probe's is, so the driver's reason arrives first. */
export const REASON_MARGIN_MS = 250;

export interface ProbeDeadline {
  ms: number;
  /** The driver option it was derived from. */
  derivedFrom?: string;
  /** A given probe.timeoutMs that was raised, and why. */
  raised?: string;
}

/** `options` as the device has them (the profile's connection under the unit's own); `given`: probe.timeoutMs if set. */
export function probeDeadline(
  spec: Pick<DriverSpec, 'name' | 'optionsSchema' | 'requestDeadline'>,
  options: Readonly<Record<string, unknown>>,
  given: number | undefined,
): ProbeDeadline {
  const own = spec.requestDeadline?.(Value.Default(spec.optionsSchema, structuredClone(options)) as Record<string, unknown>);
  if (!own || !Number.isFinite(own.ms)) return { ms: given ?? DEFAULT_PROBE_TIMEOUT_MS };
  const derived = { ms: Math.max(DEFAULT_PROBE_TIMEOUT_MS, own.ms + REASON_MARGIN_MS), derivedFrom: `options.${own.field}` };
  if (given === undefined) return derived;
  if (given > own.ms) return { ms: given };
  return {
    ...derived,
    raised: `probe.timeoutMs (${given} ms) is not longer than the ${spec.name} driver's own request deadline, options.${own.field} (${own.ms} ms): raised to ${derived.ms} ms so the driver can say why a probe failed (shorten options.${own.field} for a faster verdict)`,
  };
}
