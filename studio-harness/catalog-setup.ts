/**
 * Registers a studio the way a technician does with `onair profile add`, `onair device add` and
 * `onair slot add`: through the controller's requests, over MQTT. The demo, the benchmark and the
 * tests all bring their gear in this way, so the path technicians use is the path that is exercised.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../lib/paths.ts';
import { loadProfile } from '../protocols/profile-loader.ts';
import type { EquipmentProfile } from '../protocols/profile.ts';
import type { ProbeSettings } from '../protocols/device-config.ts';
import type { MediaSettings } from '../protocols/media-config.ts';
import { request, withController, type RequestOptions } from '../client/request-client.ts';

export interface SetupDevice {
  agent: string;
  device: string;
  /** A profile id from hardware-profiles/ or simulators/profiles/. */
  profile: string;
  options?: Record<string, unknown>;
  probe?: ProbeSettings;
  studio?: string;
  /** What the studio calls it (`--label`). */
  label?: string;
  /** Devices that watch this one in its self-test, by role. */
  helpers?: Record<string, string>;
  /** Its media over its profile's (a URL, its driver's stream, its role), as `--media-url` / `--media-stream` give it. */
  media?: MediaSettings;
}

export interface SetupSlot {
  id: string;
  /** What the studio calls it (`--label`). */
  label?: string;
  /** `agent/device` */
  primary: string;
  backups: string[];
  params: Record<string, unknown>;
  /** member `agent/device` → its lamp on a GPIO board */
  tallies?: Record<string, { board: string; tally: string }>;
  /** member `agent/device` → `switcher#source` where it appears on the program */
  program?: Record<string, string>;
}

const PROFILE_DIRS = ['hardware-profiles', path.join('simulators', 'profiles')];

/** The library profile with this id, checked like `onair profile validate` does. */
export function libraryProfile(id: string): EquipmentProfile {
  for (const dir of PROFILE_DIRS) {
    const file = path.join(packageRoot(), dir, `${id}.yaml`);
    if (existsSync(file)) return loadProfile(file);
  }
  throw new Error(`no library profile "${id}" in ${PROFILE_DIRS.join(' or ')}`);
}

export async function registerStudio(
  broker: string,
  setup: { devices: SetupDevice[]; slots: SetupSlot[]; by?: string; timeoutMs?: number },
): Promise<void> {
  const options: RequestOptions = { broker, timeoutMs: setup.timeoutMs ?? 10_000, issuedBy: setup.by ?? 'demo' };
  await withController(options, async (client) => {
    for (const id of new Set(setup.devices.map((d) => d.profile)))
      await request(client, 'profile.add', { profile: libraryProfile(id) }, options);
    const versions = new Map((await request(client, 'profile.list', {}, options)).profiles.map((p) => [p.profile, p.version]));
    // A helper must be registered before the device it watches.
    const ordered = [...setup.devices.filter((d) => !d.helpers), ...setup.devices.filter((d) => d.helpers)];
    for (const d of ordered) {
      await request(
        client,
        'device.add',
        {
          registration: {
            agent: d.agent,
            device: d.device,
            profile: d.profile,
            profileVersion: versions.get(d.profile)!,
            options: d.options ?? {},
            ...(d.studio ? { studio: d.studio } : {}),
            ...(d.label ? { label: d.label } : {}),
            ...(d.probe ? { probe: d.probe } : {}),
            ...(d.helpers ? { helpers: d.helpers } : {}),
            ...(d.media ? { media: d.media } : {}),
          },
        },
        options,
      );
    }
    for (const s of setup.slots) {
      const tallies = Object.fromEntries(Object.entries(s.tallies ?? {}).map(([member, lamp]) => [member, `${lamp.board}#${lamp.tally}`]));
      await request(
        client,
        'slot.add',
        {
          slot: s.id,
          ...(s.label ? { label: s.label } : {}),
          primary: s.primary,
          backups: s.backups,
          params: s.params,
          ...(s.tallies ? { tallies } : {}),
          ...(s.program ? { program: s.program } : {}),
        },
        options,
      );
    }
  });
}
