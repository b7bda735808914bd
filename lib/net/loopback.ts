/** Host names that never leave the machine: a listener on one of them needs no TLS for its logins. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOSTS.has(host);
