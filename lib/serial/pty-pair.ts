/**
 * A real pair of connected serial ports (pseudo-terminals) for tests, simulators and the demo:
 * python3's pty module (a small relay), or socat where python3 is missing. Unlike a mock binding,
 * the driver opens a real /dev/pts device with serialport, so termios, partial reads and EIO on
 * hang-up behave as on a USB-serial adapter. The relay comes first: when it exits, the open end is
 * hung up every time, as when a USB adapter is pulled; after socat exits the open end heard the
 * hang-up in only 3 of 20 tries, which is not how an unplug looks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../paths.ts';

export interface PtyPair {
  /** The end the driver opens. */
  a: string;
  /** The end the simulated device opens. */
  b: string;
  method: 'socat' | 'python3';
  /** Pull the cable: both ends vanish, open ports get EIO/close, as when a USB adapter is unplugged. */
  unplug(): Promise<void>;
  /** Plug it back in: the same paths work again. */
  plugIn(): Promise<void>;
  close(): Promise<void>;
}

const has = (command: string, flag: string): boolean => spawnSync(command, [flag], { stdio: 'ignore' }).status === 0;

export async function createPtyPair(timeoutMs = 5_000): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const method = has('python3', '--version') || !has('socat', '-V') ? 'python3' : 'socat';
  let relay: ChildProcess | undefined = await startRelay(method, a, b, timeoutMs);
  const stop = async (): Promise<void> => {
    const child = relay;
    relay = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    // An unplugged adapter's device node is gone. A link left pointing at /dev/pts/N would lead a
    // reconnecting driver into whichever new pty reuses that number (someone else's line).
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  };
  return {
    a,
    b,
    method,
    unplug: stop,
    plugIn: async () => {
      if (!relay) relay = await startRelay(method, a, b, timeoutMs);
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startRelay(method: 'socat' | 'python3', a: string, b: string, timeoutMs: number): Promise<ChildProcess> {
  const child =
    method === 'socat'
      ? spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'ignore'] })
      : spawn('python3', [path.join(packageRoot(), 'lib', 'serial', 'pty-relay.py'), a, b], { stdio: ['pipe', 'pipe', 'inherit'] });
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null) throw new Error(`${method} could not create a pty pair (exit ${child.exitCode})`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${method} did not create a pty pair within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return child;
}
