/**
 * A device's one name across OnAir, `agent/device` (DeviceRef in protocols/schemas.ts): the key of every
 * per-device map, the name in logs, events and answers, and what `onair` commands accept.
 */
import type { DeviceRef } from './schemas.ts';

type Ref = Pick<DeviceRef, 'agent' | 'device'>;

export const deviceKey = (agent: string, device: string): string => `${agent}/${device}`;

/** `agent/device`, or `none` for a slot with nothing live. */
export const refName = (r: Ref | null | undefined): string => (r ? deviceKey(r.agent, r.device) : 'none');

export const sameRef = (a: Ref | null | undefined, b: Ref | null | undefined): boolean =>
  !!a && !!b && a.agent === b.agent && a.device === b.device;
