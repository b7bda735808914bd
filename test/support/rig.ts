/**
 * Tests run with logins, as production does. A test controller's broker refuses anonymous clients;
 * the URL a test gets carries the login of a test rig (`controller/test-rig`: every right, for raw
 * clients, the CLI and fault injection), and an agent started on that URL is enrolled and logs in as
 * `agent/<id>`. Each controller registers how its agents are enrolled, by broker port.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { clientIdFor } from '../../protocols/access.ts';
import { systemClock } from '../../lib/clock.ts';
import { Store } from '../../controller/store/store.ts';

export const TEST_RIG = 'controller/test-rig';
/** One secret per test process: a controller restarted on the same data keeps accepting the rig's clients. */
export const TEST_RIG_SECRET = randomBytes(32).toString('base64url');

const enrolments = new Map<number, (agentId: string) => Promise<string>>();

/** `url` with the rig's login; agents on it are enrolled with `enrol`. */
export function rigUrl(url: string, enrol: (agentId: string) => Promise<string>): string {
  const u = new URL(url);
  enrolments.set(Number(u.port), enrol);
  u.username = encodeURIComponent(TEST_RIG);
  u.password = TEST_RIG_SECRET;
  return u.toString().replace(/\/$/, '');
}

/** Enrolment straight into a controller's database (the controller may be another process, as `onair agent add --data` does it). */
export async function inStore<T>(dataDir: string, work: (ids: ReturnType<Store['identities']>) => Promise<T>): Promise<T> {
  const store = new Store(dataDir);
  try {
    return await work(store.identities(systemClock));
  } finally {
    await store.close();
  }
}

/** How an agent logs in on `brokerUrl`: as itself when the URL is a test rig's, else as the URL says. */
export async function agentLogin(brokerUrl: string, agentId: string): Promise<{ url: string; username?: string; password?: string }> {
  const url = new URL(brokerUrl);
  const enrol = enrolments.get(Number(url.port));
  if (!enrol || decodeURIComponent(url.username) !== TEST_RIG) return { url: brokerUrl };
  const password = await enrol(agentId);
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), username: `agent/${agentId}`, password };
}

/** A client id the URL's login may use (protocols/access.ts clientIdFor), told apart by a random suffix. */
export function testClientId(url: string, purpose: string): string {
  const user = new URL(url.split(',')[0]!).username;
  return clientIdFor(user ? decodeURIComponent(user) : undefined, `${purpose}-${randomUUID().slice(0, 8)}`);
}
