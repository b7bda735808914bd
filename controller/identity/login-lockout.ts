/**
 * Failed logins lock out their source (the client's address), not a name (issue 20, point 2).
 *
 * A name lock let anyone who could reach the broker keep an agent off the fleet: five wrong passwords
 * for `agent/<id>` locked the agent's own 256-bit credential out too. Machine credentials cannot be
 * guessed, so a machine login is always checked, from any address; a person's password can be, so an
 * address that keeps failing (any names) is refused people's logins, unchecked, for a while. There is
 * no per-name lock for people: a stranger could trigger it against someone logged in from elsewhere,
 * and a per-address one already bounds each guesser. What it does not stop: a guesser spread over
 * many addresses (each gets `failures` tries per window), and people sharing a guesser's address (a NAT)
 * are locked out with it. docs/security.md says so.
 *
 * The table is bounded: the least recently failed source is forgotten first, so a flood of addresses
 * costs bounded memory (and may forget an older lock). An IPv6 source counts by its /64, the block one
 * machine usually gets, or a single host could cycle through addresses.
 */
import { isIPv6 } from 'node:net';
import type { Clock } from '../../lib/clock.ts';

/** Failed logins from one source within the window that lock it out, for how long, and how many sources are remembered. */
export const LOCKOUT = { failures: 10, windowMs: 5 * 60_000, lockMs: 5 * 60_000, sources: 4096 } as const;

/** The key of a source: an IPv4-mapped IPv6 address as IPv4, any other IPv6 address by its /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class LoginLockout {
  private readonly table = new Map<string, { count: number; since: number; lockedUntil?: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { failures: number; windowMs: number; lockMs: number; sources: number } = LOCKOUT,
  ) {}

  get size(): number {
    return this.table.size;
  }

  /** Until when `source` is locked out, if it is now. */
  lockedUntil(source: string | undefined): number | undefined {
    const entry = this.table.get(sourceKey(source));
    return entry?.lockedUntil !== undefined && this.clock.now() < entry.lockedUntil ? entry.lockedUntil : undefined;
  }

  /** Counts a failure; returns the failures in the window and the lock's end once locked. A success resets nothing (a guesser with an account of their own could reset it). */
  failed(source: string | undefined): { count: number; lockedUntil?: number } {
    const key = sourceKey(source);
    const now = this.clock.now();
    const f = this.table.get(key);
    const current = f && now - f.since <= this.limits.windowMs ? { ...f, count: f.count + 1 } : { count: 1, since: now };
    if (current.count >= this.limits.failures && (current.lockedUntil === undefined || now >= current.lockedUntil))
      current.lockedUntil = now + this.limits.lockMs;
    this.table.delete(key); // re-inserted last: the Map's order is least recently failed first
    this.table.set(key, current);
    while (this.table.size > this.limits.sources) this.table.delete(this.table.keys().next().value!);
    return current;
  }
}
