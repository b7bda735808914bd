/**
 * What an agent keeps beyond one connection: objects its devices share (the DMX widget its fixtures
 * are on), and a little state kept across agent restarts — the outputs it has set (DMX levels,
 * relays), which are the agent's state, not the device connection's, and its last session number.
 * Passed in, never a module-level singleton: two agents in one process (tests) each have their own.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../lib/logger.ts';

export interface KeptState {
  /** The object under `key`, created once for this agent. */
  shared<T>(key: string, create: () => T): T;
  /** A small JSON value kept across agent restarts, or undefined. */
  read(key: string): unknown;
  /** In memory at once, on disk soon after (a burst of changes is one atomic write). Never throws. */
  write(key: string, value: unknown): void;
  /** Writes what is pending now (the agent is stopping). */
  flush(): void;
}

export function memoryKeptState(): KeptState {
  const shared = new Map<string, unknown>();
  const values = new Map<string, unknown>();
  return {
    shared: <T>(key: string, create: () => T): T => {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as T;
    },
    read: (key) => values.get(key),
    write: (key, value) => void values.set(key, value),
    flush: () => undefined,
  };
}

/** Kept in `file` (JSON, written atomically); an unreadable file is reported and the agent starts from nothing. */
export function fileKeptState(o: { file: string; log: Logger; delayMs?: number }): KeptState {
  const memory = memoryKeptState();
  const values: Record<string, unknown> = load(o.file, o.log);
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const temp = `${o.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(o.file), { recursive: true });
      writeFileSync(temp, JSON.stringify(values), { mode: 0o600 });
      renameSync(temp, o.file);
    } catch (err) {
      o.log.warn(
        { file: o.file, err: (err as Error).message },
        'could not keep driver state (outputs set by the agent); a restart would not restore them',
      );
    }
  };
  return {
    shared: memory.shared,
    read: (key) => values[key],
    write(key, value) {
      values[key] = value;
      if (!timer) {
        timer = setTimeout(save, o.delayMs ?? 200);
        timer.unref();
      }
    },
    flush() {
      if (timer) save();
    },
  };
}

function load(file: string, log: Logger): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ file, err: (err as Error).message }, 'cannot read the driver state; starting without it');
    return {};
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  log.warn({ file }, 'ignoring an unreadable driver state file; starting without it');
  return {};
}
