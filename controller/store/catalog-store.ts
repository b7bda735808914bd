/**
 * What technicians registered, in the controller's SQLite file: profile versions (immutable),
 * registered devices, slots, and each agent's desired config version. Written only when someone
 * changes the catalog, never on the health path.
 */
import type Database from 'better-sqlite3';
import type { DeviceRegistration } from '../../protocols/device-config.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';

export const CATALOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS registrations (
  agent TEXT NOT NULL, device TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (agent, device));
CREATE TABLE IF NOT EXISTS profiles (
  id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, added_at INTEGER NOT NULL, added_by TEXT NOT NULL,
  PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS slots (id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS agent_configs (agent TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

export interface StoredProfile {
  profile: EquipmentProfile;
  addedAt: number;
  addedBy: string;
}

type ProfileRow = { body: string; added_at: number; added_by: string };
const toProfile = (r: ProfileRow): StoredProfile => ({
  profile: JSON.parse(r.body) as EquipmentProfile,
  addedAt: r.added_at,
  addedBy: r.added_by,
});

export class CatalogStore {
  constructor(private readonly db: Database.Database) {}

  /** Stores a profile version; false if that exact version is already stored. Throws if it differs. */
  addProfile(profile: EquipmentProfile, at: number, by: string): boolean {
    const body = JSON.stringify(profile);
    const existing = this.db.prepare('SELECT body FROM profiles WHERE id = ? AND version = ?').get(profile.profile, profile.version) as
      { body: string } | undefined;
    if (existing) {
      if (existing.body === body) return false;
      throw new Error(
        `profile ${profile.profile} version ${profile.version} is already stored with other content; give the change a new version`,
      );
    }
    this.db
      .prepare('INSERT INTO profiles (id, version, body, added_at, added_by) VALUES (?, ?, ?, ?, ?)')
      .run(profile.profile, profile.version, body, at, by);
    return true;
  }

  profiles(): StoredProfile[] {
    return (this.db.prepare('SELECT body, added_at, added_by FROM profiles ORDER BY id, version').all() as ProfileRow[]).map(toProfile);
  }

  /** One version, or the newest when none is named. */
  profile(id: string, version?: number): StoredProfile | undefined {
    const row = (
      version === undefined
        ? this.db.prepare('SELECT body, added_at, added_by FROM profiles WHERE id = ? ORDER BY version DESC LIMIT 1').get(id)
        : this.db.prepare('SELECT body, added_at, added_by FROM profiles WHERE id = ? AND version = ?').get(id, version)
    ) as ProfileRow | undefined;
    return row && toProfile(row);
  }

  /** Registers or replaces a device; true when it is new. */
  saveRegistration(r: DeviceRegistration, at: number): boolean {
    const existed = this.registration(r.agent, r.device) !== undefined;
    this.db
      .prepare(
        'INSERT INTO registrations (agent, device, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(agent, device) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
      )
      .run(r.agent, r.device, JSON.stringify(r), at);
    return !existed;
  }

  registration(agent: string, device: string): DeviceRegistration | undefined {
    const row = this.db.prepare('SELECT body FROM registrations WHERE agent = ? AND device = ?').get(agent, device) as
      { body: string } | undefined;
    return row && (JSON.parse(row.body) as DeviceRegistration);
  }

  registrations(agent?: string): DeviceRegistration[] {
    const rows = (
      agent === undefined
        ? this.db.prepare('SELECT body FROM registrations ORDER BY agent, device').all()
        : this.db.prepare('SELECT body FROM registrations WHERE agent = ? ORDER BY device').all(agent)
    ) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as DeviceRegistration);
  }

  removeRegistration(agent: string, device: string): boolean {
    return this.db.prepare('DELETE FROM registrations WHERE agent = ? AND device = ?').run(agent, device).changes > 0;
  }

  saveSlot(slot: SlotDefinition, at: number): boolean {
    const existed = this.db.prepare('SELECT 1 FROM slots WHERE id = ?').get(slot.id) !== undefined;
    this.db
      .prepare(
        'INSERT INTO slots (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
      )
      .run(slot.id, JSON.stringify(slot), at);
    return !existed;
  }

  slots(): SlotDefinition[] {
    return (this.db.prepare('SELECT body FROM slots ORDER BY id').all() as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as SlotDefinition,
    );
  }

  removeSlot(id: string): boolean {
    return this.db.prepare('DELETE FROM slots WHERE id = ?').run(id).changes > 0;
  }

  /** Bumps an agent's desired config version (its registered devices changed) and returns it. */
  nextConfigVersion(agent: string, at: number): number {
    const row = this.db
      .prepare(
        'INSERT INTO agent_configs (agent, version, updated_at) VALUES (?, 1, ?) ON CONFLICT(agent) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at RETURNING version',
      )
      .get(agent, at) as { version: number };
    return row.version;
  }

  /** Every agent that has ever had registered devices, with its current desired config version. */
  configVersions(): Map<string, number> {
    const rows = this.db.prepare('SELECT agent, version FROM agent_configs').all() as Array<{ agent: string; version: number }>;
    return new Map(rows.map((r) => [r.agent, r.version]));
  }
}
