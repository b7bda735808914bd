/**
 * Lists serial ports. serialport's list() needs udevadm and rejects with "spawn udevadm ENOENT"
 * where it is missing (containers, minimal images); then we scan /dev ourselves and say so.
 */
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';

export interface ListedPort {
  path: string;
  /** Stable name when udev provides one (/dev/serial/by-id/...). */
  byId?: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export interface PortListing {
  ports: ListedPort[];
  source: 'serialport' | 'dev-scan';
  /** Why the fallback was used. */
  warning?: string;
}

const DEVICE_PATTERN = /^tty(USB|ACM|AMA|S|XRUSB)\d+$/;

export async function listSerialPorts(list: () => Promise<ListedPort[]> = () => SerialPort.list(), devDir = '/dev'): Promise<PortListing> {
  try {
    return { ports: await list(), source: 'serialport' };
  } catch (err) {
    return {
      ports: scanDev(devDir),
      source: 'dev-scan',
      warning: `serialport could not list ports (${(err as Error).message}); scanned ${devDir} instead`,
    };
  }
}

function scanDev(devDir: string): ListedPort[] {
  const byIdDir = path.join(devDir, 'serial', 'by-id');
  const byId = new Map<string, string>();
  for (const name of safeReaddir(byIdDir)) {
    try {
      byId.set(realpathSync(path.join(byIdDir, name)), path.join(byIdDir, name));
    } catch {
      // a dangling link: the adapter was just unplugged
    }
  }
  return safeReaddir(devDir)
    .filter((name) => DEVICE_PATTERN.test(name))
    .sort()
    .map((name) => {
      const full = path.join(devDir, name);
      const stable = byId.get(full);
      return stable ? { path: full, byId: stable } : { path: full };
    });
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
