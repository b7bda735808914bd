/**
 * Equipment profiles in the catalog: checked against their driver exactly as `onair profile validate`
 * checks them (any MQTT client can add profiles), stored by name and version, audited.
 */
import type { OperationData, OperationParams } from '../../../protocols/contract.ts';
import { parseProfile } from '../../../protocols/profile-loader.ts';
import { ConfigError } from '../../../lib/yaml-config.ts';
import type { CatalogStore } from '../../store/catalog-store.ts';
import type { CatalogDependencies } from './catalog-dependencies.ts';

export function addProfile(
  d: Pick<CatalogDependencies, 'store' | 'clock' | 'record'>,
  p: OperationParams<'profile.add'>,
  by: string,
): OperationData<'profile.add'> {
  try {
    parseProfile(JSON.stringify(p.profile, null, 2), `profile ${p.profile.profile}`);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new Error(
        `profile ${p.profile.profile} v${p.profile.version} is not valid for its driver:\n  ${err.problems.map((x) => `${x.path}: ${x.message}${x.hint ? ` (${x.hint})` : ''}`).join('\n  ')}`,
        { cause: err },
      );
    throw err;
  }
  const created = d.store.addProfile(p.profile, d.clock.now(), by);
  if (created)
    d.record({
      type: 'profile.added',
      ts: d.clock.now(),
      by,
      data: { profile: p.profile.profile, version: p.profile.version },
    });
  return { profile: p.profile.profile, version: p.profile.version, created };
}

export function listProfiles(store: CatalogStore): OperationData<'profile.list'> {
  return {
    profiles: store.profiles().map(({ profile: p, addedAt, addedBy }) => ({
      profile: p.profile,
      version: p.version,
      manufacturer: p.manufacturer,
      model: p.model,
      kind: p.kind,
      driver: p.driver,
      addedAt,
      addedBy,
    })),
  };
}

export function showProfile(store: CatalogStore, p: OperationParams<'profile.show'>): OperationData<'profile.show'> {
  const found = store.profile(p.profile, p.version);
  if (!found) throw new Error(`no profile "${p.profile}"${p.version === undefined ? '' : ` version ${p.version}`}`);
  return found;
}
