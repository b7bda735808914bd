/**
 * The last desired config an agent applied, kept on its own disk: an agent restarted while the
 * controller or the broker is unreachable (a power cut in the machine room, an update) still runs
 * and watches its registered gear, and reconciles when the controller's retained config arrives.
 * Written only when the config changes (not on every republish), atomically (temp file + rename),
 * so a crash mid-write never leaves a half file. A cache that cannot be read is reported and ignored.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { codecs, encode } from '../protocols/codec.ts';
import type { DesiredConfig } from '../protocols/device-config.ts';

export interface DesiredConfigCache {
  /** The cached config, or undefined when there is none (or it cannot be used: logged). */
  load(): DesiredConfig | undefined;
  /** Keeps this config; never throws (a full disk must not stop the agent). */
  save(config: DesiredConfig): void;
}

/** What makes two desired configs the same: everything but the publish time. */
const sameContent = (a: DesiredConfig, b: DesiredConfig): boolean =>
  a.version === b.version && JSON.stringify(a.devices) === JSON.stringify(b.devices);

export function fileConfigCache(options: { file: string; agentId: string; log: Logger }): DesiredConfigCache {
  const { file, agentId, log } = options;
  let kept: DesiredConfig | undefined;
  return {
    load() {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          log.warn(
            { agent: agentId, file, err: (err as Error).message },
            'cannot read the cached desired config; waiting for the controller',
          );
        return undefined;
      }
      const decoded = codecs.desiredConfig.decode(bytes);
      if (!decoded.ok) {
        log.warn(
          { agent: agentId, file, reason: decoded.reason },
          'ignoring an unusable cached desired config; waiting for the controller',
        );
        return undefined;
      }
      kept = decoded.value;
      return kept;
    },
    save(config) {
      if (kept && sameContent(kept, config)) return;
      const temp = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(temp, encode('desiredConfig', config), { mode: 0o600 });
        renameSync(temp, file);
        kept = config;
      } catch (err) {
        log.warn(
          { agent: agentId, file, configVersion: config.version, err: (err as Error).message },
          'could not cache the desired config; a restart without the controller would start without its registered devices',
        );
      }
    },
  };
}
