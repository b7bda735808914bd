/**
 * What each agent runs: its registered devices and the slots it fails over alone, handed to it as its
 * retained desired config (a new version on every change), which the agent applies live and confirms.
 * A device being unregistered is "retiring" until its agent confirms the config without it.
 */
import { Value } from '@sinclair/typebox/value';
import { localSlotsFor } from '../../failover/local-slots.ts';
import { profileRules } from '../../../protocols/health-rules.ts';
import { DEFAULT_TRACKING } from '../../../protocols/failure-detection.ts';
import { DeviceConfig, type AppliedConfig, type DesiredConfig, type DeviceRegistration } from '../../../protocols/device-config.ts';
import { mergeSettings } from '../../../protocols/profile.ts';
import { unitMediaConfig } from '../../../protocols/media-config.ts';
import type { RegisteredDevice } from '../../../protocols/registry-operations.ts';
import { deviceKey } from '../../../protocols/device-ref.ts';
import type { CatalogDependencies } from './catalog-dependencies.ts';
import type { CatalogLookup } from './slot-checks.ts';

export type AgentConfigsDependencies = Pick<
  CatalogDependencies,
  'store' | 'clock' | 'log' | 'record' | 'publishDesired' | 'detection' | 'activeShows'
> & {
  /** What activate and standby mean for a member (its profile's roles): the local slots carry them. */
  roles: Pick<CatalogLookup, 'role'>;
};

export class AgentConfigs {
  /** Latest report from each agent about its desired config. */
  private readonly applied = new Map<string, AppliedConfig>();
  /** Unregistered devices whose agent has not yet confirmed stopping them: their late health is ignored. */
  private readonly retiring = new Map<string, { agent: string; untilVersion: number }>();

  constructor(private readonly d: AgentConfigsDependencies) {}

  /** O(1): called for every health message. */
  isRetiring(agent: string, device: string): boolean {
    return this.retiring.size > 0 && this.retiring.has(deviceKey(agent, device));
  }

  /** Unregistered: ignored until its agent confirms this config version (or later). */
  retire(agent: string, device: string, untilVersion: number): void {
    this.retiring.set(deviceKey(agent, device), { agent, untilVersion });
  }

  /** Registered again before its agent confirmed the removal. */
  keep(agent: string, device: string): void {
    this.retiring.delete(deviceKey(agent, device));
  }

  onApplied(agent: string, report: AppliedConfig): void {
    const previous = this.applied.get(agent);
    this.applied.set(agent, report);
    for (const [k, r] of this.retiring) {
      if (r.agent === agent && report.version >= r.untilVersion) this.retiring.delete(k);
    }
    const sameProblems = JSON.stringify(previous?.problems) === JSON.stringify(report.problems);
    if (previous?.version === report.version && sameProblems) return; // a repeat after a reconnect
    this.d.record({
      type: 'config.applied',
      ts: this.d.clock.now(),
      agent,
      data: { version: report.version, running: report.running.length, problems: report.problems },
    });
    for (const p of report.problems)
      this.d.log.warn({ agent, device: p.device, configVersion: report.version, err: p.error }, 'agent refused a registered device');
  }

  /** After every (re)connect to the broker: a restarted broker may have lost retained configs. */
  publishAll(): void {
    for (const [agent, version] of this.d.store.configVersions()) this.d.publishDesired(agent, this.desiredFor(agent, version));
  }

  /** A new version of the agent's config, published; its number. */
  publish(agent: string): number {
    const version = this.d.store.nextConfigVersion(agent, this.d.clock.now());
    this.d.publishDesired(agent, this.desiredFor(agent, version));
    return version;
  }

  /** Where the device stands with its agent: is it running the config that has it? */
  deployment(r: DeviceRegistration, versions: ReadonlyMap<string, number>): Pick<RegisteredDevice, 'deployment' | 'problem'> {
    const applied = this.applied.get(r.agent);
    const current = versions.get(r.agent);
    const problem = applied?.problems.find((p) => p.device === r.device)?.error;
    const deployment =
      applied && applied.version === current
        ? problem
          ? 'refused'
          : applied.running.includes(r.device)
            ? 'running'
            : 'pending'
        : 'pending';
    return { deployment, ...(problem ? { problem } : {}) };
  }

  /** Profile defaults under the unit's own settings; driver option defaults are the agent's to fill in. */
  deviceConfig(r: DeviceRegistration): DeviceConfig {
    const p = this.d.store.profile(r.profile, r.profileVersion)?.profile;
    if (!p) throw new Error(`profile ${r.profile} v${r.profileVersion} of ${r.agent}/${r.device} is missing`);
    const media = unitMediaConfig(p.media, r.media);
    return Value.Default(DeviceConfig, {
      id: r.device,
      driver: p.driver,
      kind: p.kind,
      options: mergeSettings(p.connection, r.options),
      profile: `${p.profile}@${p.version}`,
      rules: profileRules(p),
      ...(r.probe ? { probe: r.probe } : {}),
      ...(media ? { media } : {}),
    }) as DeviceConfig;
  }

  private desiredFor(agent: string, version: number): DesiredConfig {
    const slots = localSlotsFor(
      agent,
      this.d.store.slots(),
      (ref, role, params) => this.d.roles.role(ref, role, params),
      this.d.detection ?? DEFAULT_TRACKING,
      this.d.activeShows?.() ?? [],
    );
    return {
      version,
      ts: this.d.clock.now(),
      devices: this.d.store.registrations(agent).map((r) => this.deviceConfig(r)),
      ...(slots.length ? { slots } : {}),
    };
  }
}
