import { describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { silentLogger } from '../../../lib/logger.ts';
import { createPtyPair } from '../../../lib/serial/pty-pair.ts';
import { listSerialPorts } from '../../../lib/serial/port-list.ts';
import { SerialLink } from '../../../lib/serial/serial-link.ts';
import { waitUntil } from '../helpers.ts';

const openPort = (path: string) =>
  new Promise<SerialPort>((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });

describe('pty pair and serial link', () => {
  it('carries bytes both ways, and the link reopens by itself after an unplug', async () => {
    const pair = await createPtyPair();
    const link = new SerialLink({ path: pair.a, baudRate: 9600, log: silentLogger(), reopen: { initialMs: 50, maxMs: 200 } });
    let device = await openPort(pair.b);
    try {
      const atDevice: Buffer[] = [];
      const atLink: Buffer[] = [];
      device.on('data', (d: Buffer) => atDevice.push(d));
      link.on('data', (d) => atLink.push(d));
      await link.open();
      await link.write(Buffer.from([0x81, 0x09, 0x04, 0x00, 0xff]));
      device.write(Buffer.from([0x90, 0x50, 0x02, 0xff]));
      await waitUntil(() => Buffer.concat(atDevice).length === 5 && Buffer.concat(atLink).length === 4, 2_000, 'bytes across');
      expect(Buffer.concat(atDevice)).toEqual(Buffer.from([0x81, 0x09, 0x04, 0x00, 0xff]));
      expect(Buffer.concat(atLink)).toEqual(Buffer.from([0x90, 0x50, 0x02, 0xff]));

      let closes = 0;
      link.on('close', () => (closes += 1));
      await pair.unplug();
      await waitUntil(() => closes === 1 && !link.isOpen, 2_000, 'link notices the unplug');
      // The device end does not always notice the unplug (its fd stays open on the deleted pty, with
      // its lock): close it, or a later pty that reuses the number cannot be locked.
      if (device.isOpen) await new Promise((r) => device.close(r));
      await pair.plugIn();
      device = await openPort(pair.b);
      device.on('data', (d: Buffer) => atDevice.push(d));
      await waitUntil(() => link.isOpen, 3_000, 'link reopened by itself');
      await link.write(Buffer.from([0x88, 0x01, 0x00, 0x01, 0xff]));
      await waitUntil(() => Buffer.concat(atDevice).length === 10, 2_000, 'bytes after replug');
    } finally {
      await link.close();
      if (device.isOpen) await new Promise((r) => device.close(r));
      await pair.close();
    }
  });

  it('lists ports from /dev when serialport cannot (no udevadm), and says why', async () => {
    const listing = await listSerialPorts(() => Promise.reject(new Error('spawn udevadm ENOENT')));
    expect(listing.source).toBe('dev-scan');
    expect(listing.warning).toBe('serialport could not list ports (spawn udevadm ENOENT); scanned /dev instead');
    expect(listing.ports.every((p) => /^\/dev\/tty(USB|ACM|AMA|S|XRUSB)\d+$/.test(p.path))).toBe(true);
  });
});
