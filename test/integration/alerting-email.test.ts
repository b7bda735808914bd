/**
 * E-mail notifications against a real SMTP server on loopback (npm smtp-server, in process): STARTTLS
 * with a certificate from a test CA, AUTH LOGIN and PLAIN checked, the pooled connection reused.
 */
import type { AddressInfo } from 'node:net';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createContactSender } from '../../controller/alerting/channels/contact-sender.ts';
import { createMessageComposer } from '../../controller/alerting/channels/compose.ts';
import type { AlertingSettings, ContactPoint } from '../../protocols/alerting.ts';
import { alertingSettings, cameraAlert, cameraRunbook } from '../support/alert-fixture.ts';
import { testCa } from '../support/certs.ts';
import { cleanupAfterEach, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
const USER = 'onair';
const PASSWORD = 'right-password';
const contact: ContactPoint = { id: 'wang-mail', kind: 'email', to: 'wang@studio.example' };
const message = createMessageComposer({ timeZone: 'UTC' }).compose({
  reason: 'firing',
  locale: 'en',
  alert: cameraAlert(),
  runbook: cameraRunbook,
  ackUrl: 'https://onair.example/ack/tok',
});

interface Received {
  connections: number;
  closed: number;
  tls: boolean[];
  auth: string[];
  mailFrom: string[];
  messages: string[];
}

/** A relay on an ephemeral loopback port; `options` say what it offers. */
async function relay(options: Partial<SMTPServerOptions>): Promise<{ port: number; got: Received }> {
  const got: Received = { connections: 0, closed: 0, tls: [], auth: [], mailFrom: [], messages: [] };
  const server = new SMTPServer({
    logger: false,
    onConnect: (_session, done) => {
      got.connections += 1;
      done();
    },
    onClose: () => {
      got.closed += 1;
    },
    onAuth: (auth, session, done) => {
      got.auth.push(auth.method);
      got.tls.push(session.secure);
      if (auth.username === USER && auth.password === PASSWORD) done(null, { user: USER });
      else done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom: (address, _session, done) => {
      got.mailFrom.push(address.address);
      done();
    },
    onData: (stream, _session, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.messages.push(Buffer.concat(chunks).toString('utf8'));
        done();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, got };
}

/** A server key and certificate for 127.0.0.1, and the path of the CA that signed them. */
async function tlsFiles(): Promise<{ key: Buffer; cert: Buffer; ca: string }> {
  const dir = cleanup.tempDir();
  const ca = await testCa(dir, 'smtp');
  const server = await ca.issue('127.0.0.1', 'smtp-server', 'server');
  return { key: readFileSync(server.key), cert: readFileSync(server.cert), ca: ca.cert };
}

/** The Subject header of a raw message, unfolded and its RFC 2047 Q-encoded words decoded. */
function subjectOf(raw: string): string {
  const folded = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  const words = folded.split(/\r\n[ \t]/).map((w) => w.trim());
  return words
    .map((word) => {
      const q = /^=\?UTF-8\?Q\?(.*)\?=$/i.exec(word)?.[1];
      if (q === undefined) return word;
      const bytes = q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    })
    .join('');
}

function passwordFile(password: string): string {
  const file = path.join(cleanup.tempDir(), 'smtp-password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

function sender(smtp: Partial<NonNullable<AlertingSettings['smtp']>> & { port: number }) {
  const settings = alertingSettings({
    smtp: { host: '127.0.0.1', secure: false, requireTls: true, from: 'OnAir <onair@studio.example>', ...smtp },
  });
  const s = createContactSender({ settings, clock: systemClock, log: silentLogger(), timeoutMs: 5_000 });
  cleanup.defer(() => s.stop());
  return s;
}

describe('e-mail notifications (smtp-server on loopback)', () => {
  for (const method of ['LOGIN', 'PLAIN'] as const) {
    it(`upgrades with STARTTLS, logs in with AUTH ${method}, and sends the title as subject with text and HTML`, async () => {
      const tls = await tlsFiles();
      const { port, got } = await relay({ key: tls.key, cert: tls.cert, authMethods: [method] });
      const mail = sender({ port, user: USER, passwordFile: passwordFile(PASSWORD), caFile: tls.ca });

      const receipt = await mail.send(contact, { ...message, notification: 42 });

      expect(receipt).toMatchObject({ ok: true });
      expect(got.auth).toEqual([method]);
      expect(got.tls).toEqual([true]); // logged in only after STARTTLS
      expect(got.mailFrom).toEqual(['onair@studio.example']);
      const raw = got.messages[0] ?? '';
      expect(subjectOf(raw)).toBe('[CRITICAL] cam-1 black — failed over to cam-2');
      expect(raw).toContain('To: wang@studio.example');
      // A second copy of notification 42 (delivery is at least once) carries the same Message-ID.
      expect(raw).toMatch(/^Message-ID: <onair-notification-42@studio\.example>/im);
      expect(raw).toMatch(/Content-Type: text\/plain/);
      expect(raw).toMatch(/Content-Type: text\/html/);
      expect(raw).toContain('Runbook: Camera picture black');
    });
  }

  it('keeps one pooled connection for several notifications and closes it at stop', async () => {
    const tls = await tlsFiles();
    const { port, got } = await relay({ key: tls.key, cert: tls.cert });
    const mail = sender({ port, user: USER, passwordFile: passwordFile(PASSWORD), caFile: tls.ca });
    for (let i = 0; i < 3; i++) expect(await mail.send(contact, message)).toMatchObject({ ok: true });
    expect(got.messages).toHaveLength(3);
    expect(got.connections).toBe(1);
    expect(got.closed).toBe(0);
    await mail.stop();
    await waitUntil(() => got.closed === 1, 5_000, 'the pooled SMTP connection to close at stop');
  });

  it('answers a wrong password with a clear receipt that is not retried', async () => {
    const tls = await tlsFiles();
    const { port, got } = await relay({ key: tls.key, cert: tls.cert });
    const mail = sender({ port, user: USER, passwordFile: passwordFile('wrong-password'), caFile: tls.ca });

    const receipt = await mail.send(contact, message);

    expect(receipt).toMatchObject({ ok: false, retryable: false });
    expect(receipt.ok || receipt.error).toMatch(/SMTP 127\.0\.0\.1: Invalid login: 535/);
    expect(got.mailFrom).toEqual([]);
  });

  it('refuses a relay that offers no STARTTLS instead of sending in clear', async () => {
    const { port, got } = await relay({ disabledCommands: ['STARTTLS'], authOptional: true, allowInsecureAuth: true });
    const mail = sender({ port, user: USER, passwordFile: passwordFile(PASSWORD) });

    const receipt = await mail.send(contact, message);

    expect(receipt).toMatchObject({ ok: false, retryable: false });
    expect(receipt.ok || receipt.error).toMatch(/STARTTLS/);
    expect(got.connections).toBe(1);
    expect(got.auth).toEqual([]); // the password never crossed in clear
    expect(got.mailFrom).toEqual([]);
    expect(got.messages).toEqual([]);
  });

  it('says so when no relay is set, and when the password file is unsafe', async () => {
    const none = createContactSender({ settings: alertingSettings(), clock: systemClock, log: silentLogger() });
    expect(await none.send(contact, message)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/alerting\.smtp/),
    });
    const file = passwordFile(PASSWORD);
    writeFileSync(file, PASSWORD, { mode: 0o644 });
    chmodSync(file, 0o644);
    const unsafe = sender({ port: 9, user: USER, passwordFile: file });
    expect(await unsafe.send(contact, message)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/readable by others/),
    });
  });
});
