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

const checkSummary = TypeCompiler.Compile(DeviceSummary);

export interface KeptSummary {
  readonly entry: Readonly<DeviceSummary>;
  /** `JSON.stringify(entry)`. */
  readonly json: string;
}

export class DeviceSummaries {
  private readonly kept = new WeakMap<DeviceRecord, KeptSummary>();

  of(r: DeviceRecord): KeptSummary {
    const k = this.kept.get(r);
    if (k && shows(k.entry, r)) return k;
    const entry = Object.freeze(summaryOf(r));
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

function summaryOf(r: DeviceRecord): DeviceSummary {
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
  return entry;
}

/** Does the kept entry still show this record? Empty optional fields are left out of an entry, as above. */
function shows(e: Readonly<DeviceSummary>, r: DeviceRecord): boolean {
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
    e.device === r.device
  );
}
