/**
 * Each device's `status` entry, kept between requests as an object and as its JSON (issue 21.9).
 *
 * A `status` answer with ~1,000 devices used to build 1,000 objects, check them and serialise them
 * per request: ~650 KB of short-lived garbage each, so with health flowing the controller ran a
 * young-generation collection every ~145 ms, and the requests that met one made the tail (p50 4 ms,
 * p99 10–14 ms). Between two requests only the devices heard from change (their `lastHealthAt`), so an
 * entry is rebuilt — checked against the schema and serialised once — only when a field it shows
 * differs; the rest are reused. Entries are frozen: whoever holds a `status` picture holds a snapshot.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DeviceSummary } from '../../protocols/schemas.ts';
import type { DeviceRecord } from '../store/fleet-rows.ts';
import { deviceKey } from '../../protocols/device-ref.ts';

/** What the studio calls a registered device, kept from its registration (not read per request). */
export type DeviceNames = Pick<DeviceSummary, 'label' | 'model' | 'studio'>;

const checkSummary = TypeCompiler.Compile(DeviceSummary);

export interface KeptSummary {
  readonly entry: Readonly<DeviceSummary>;
  /** `JSON.stringify(entry)`. */
  readonly json: string;
}

export class DeviceSummaries {
  private readonly kept = new WeakMap<DeviceRecord, KeptSummary>();
  /** By agent/device: set when a device is registered or changed, so a request looks a name up in O(1). */
  private readonly names = new Map<string, DeviceNames>();

  /** A registration's names (undefined: unregistered, or nothing to show). */
  name(agent: string, device: string, names: DeviceNames | undefined): void {
    const key = deviceKey(agent, device);
    if (names && (names.label || names.model || names.studio)) this.names.set(key, names);
    else this.names.delete(key);
  }

  of(r: DeviceRecord): KeptSummary {
    const k = this.kept.get(r);
    const names = this.names.get(deviceKey(r.agent, r.device));
    if (k && shows(k.entry, r, names)) return k;
    const entry = Object.freeze(summaryOf(r, names));
    // Our own data breaking our own contract is a bug: the request's answer says so (controller/requests.ts).
    if (!checkSummary.Check(entry)) throw new Error(`device ${r.agent}/${r.device} has a status entry that breaks the contract`);
    const fresh: KeptSummary = { entry, json: JSON.stringify(entry) };
    this.kept.set(r, fresh);
    return fresh;
  }

  /** The devices' entries as one JSON array, for an answer encoded without re-serialising them. */
  json(records: Iterable<DeviceRecord>): string {
    const parts: string[] = [];
    for (const r of records) parts.push(this.of(r).json);
    return `[${parts.join(',')}]`;
  }
}

function summaryOf(r: DeviceRecord, names: DeviceNames | undefined): DeviceSummary {
  const t = r.track;
  const entry: DeviceSummary = {
    agent: r.agent,
    device: r.device,
    status: t.status,
    since: t.since,
    reported: t.reported,
    lastHealthAt: t.lastHealthAt,
  };
  if (r.driver) entry.driver = r.driver;
  if (r.kind) entry.kind = r.kind;
  if (t.detail) entry.detail = t.detail;
  if (names?.label) entry.label = names.label;
  if (names?.model) entry.model = names.model;
  if (names?.studio) entry.studio = names.studio;
  return entry;
}

/** Does the kept entry still show this record? Empty optional fields are left out of an entry, as above. */
function shows(e: Readonly<DeviceSummary>, r: DeviceRecord, names: DeviceNames | undefined): boolean {
  const t = r.track;
  return (
    e.lastHealthAt === t.lastHealthAt &&
    e.status === t.status &&
    e.since === t.since &&
    e.reported === t.reported &&
    e.detail === (t.detail || undefined) &&
    e.driver === (r.driver || undefined) &&
    e.kind === (r.kind || undefined) &&
    e.agent === r.agent &&
    e.device === r.device &&
    e.label === (names?.label || undefined) &&
    e.model === (names?.model || undefined) &&
    e.studio === (names?.studio || undefined)
  );
}
