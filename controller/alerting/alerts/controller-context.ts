/**
 * The AlertContext from the controller's own parts, each given as the narrow view it is asked
 * through (the lead passes parts.fleet, parts.engine, parts.registry, parts.catalog and
 * parts.store.plan in controller/controller-parts.ts). Every answer is read when asked.
 */
import { sameRef } from '../../../protocols/device-ref.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import type { FailoverEngine } from '../../failover/failover-engine.ts';
import type { Catalog } from '../../fleet/catalog/catalog.ts';
import type { Fleet } from '../../fleet/fleet.ts';
import type { Registry } from '../../fleet/registry.ts';
import type { AlertContext } from './alert-context.ts';

export interface ControllerPicture {
  fleet: Pick<Fleet, 'view'>;
  slots: Pick<FailoverEngine, 'slotsOf' | 'isSlotOnAir' | 'isOnAir' | 'liveOf' | 'definition'>;
  registry: Pick<Registry, 'status' | 'allDevices'>;
  catalog: Pick<Catalog, 'lookup' | 'isRegistered'>;
  shows: { activeShows(): Show[] };
}

export function alertContextOf(p: ControllerPicture): AlertContext {
  const status = (ref: DeviceRef) => p.registry.status(ref.agent, ref.device);
  return {
    fleetView: () => p.fleet.view(),
    slotsOf: (ref) => p.slots.slotsOf(ref),
    isSlotOnAir: (slot) => p.slots.isSlotOnAir(slot),
    isOnAir: () => p.slots.isOnAir(),
    // Down as the failover engine decides it (slot.down: nothing healthy to put live), not the moment a
    // live member fails: until its failover has had its chance, a slot on air is covered, not down.
    isSlotDown: (slot) => p.slots.liveOf(slot) === null,
    members: (slot) => {
      const def = p.slots.definition(slot);
      const live = p.slots.liveOf(slot);
      return def ? [def.primary, ...def.backups].map((ref) => ({ ref, status: status(ref), live: sameRef(ref, live) })) : [];
    },
    devicesOf: (agent) =>
      p.registry
        .allDevices()
        .filter((d) => d.agent === agent)
        .map((d) => ({ agent: d.agent, device: d.device })),
    deviceInfo: (ref) => {
      if (!p.catalog.isRegistered(ref.agent, ref.device)) return {};
      try {
        const { registration, config, profile } = p.catalog.lookup(ref);
        // The program and playback roles name what a runbook is for better than the gear's kind.
        const media = config.media?.role;
        const role = media && media !== 'source' ? media : profile.kind;
        return { ...(registration.studio ? { studio: registration.studio } : {}), role };
      } catch {
        return {}; // its profile is gone: no studio or role to tell
      }
    },
    nextShow: (studio, at) => {
      let next: Show | undefined;
      for (const show of p.shows.activeShows())
        if (
          show.state === 'scheduled' &&
          show.startsAt >= at &&
          (!studio || show.studio === studio) &&
          (!next || show.startsAt < next.startsAt)
        )
          next = show;
      return next && { show: next.id, startsAt: next.startsAt };
    },
  };
}
