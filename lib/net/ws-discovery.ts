/**
 * WS-Discovery Probe for ONVIF devices [WS-Discovery 1.0 §5.2; ONVIF Core §7.3]: a SOAP 1.2 Probe
 * for dn:NetworkVideoTransmitter, sent to 239.255.255.250:3702 from every IPv4 interface (not only
 * the default route) and resent, since UDP gets lost; devices answer by unicast with ProbeMatches
 * whose RelatesTo is our MessageID. Tests pass explicit unicast targets and never multicast.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import os from 'node:os';

export const MULTICAST = { address: '239.255.255.250', port: 3702 };

export interface DiscoveredDevice {
  endpoint: string;
  xaddrs: string[];
  types: string[];
  scopes: string[];
  from: string;
}

export function probeMessage(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<s:Header><a:MessageID>urn:uuid:${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>` +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
  );
}

const text = (xml: string, tag: string): string | undefined =>
  new RegExp(`<(?:[\\w-]+:)?${tag}[^>]*>([\\s\\S]*?)</(?:[\\w-]+:)?${tag}>`).exec(xml)?.[1]?.trim();

/** Reads a ProbeMatches reply; undefined when it is not one, or answers someone else's probe. */
export function parseProbeMatch(xml: string, messageId: string): Omit<DiscoveredDevice, 'from'> | undefined {
  if (!/ProbeMatches/.test(xml) || text(xml, 'RelatesTo') !== `urn:uuid:${messageId}`) return undefined;
  const xaddrs = text(xml, 'XAddrs')?.split(/\s+/).filter(Boolean) ?? [];
  if (xaddrs.length === 0) return undefined;
  return {
    endpoint: text(xml, 'Address') ?? xaddrs[0]!,
    xaddrs,
    types: text(xml, 'Types')?.split(/\s+/).filter(Boolean) ?? [],
    scopes: text(xml, 'Scopes')?.split(/\s+/).filter(Boolean) ?? [],
  };
}

export interface ProbeOptions {
  /** Unicast targets instead of the multicast group (tests, cameras on routed networks). */
  targets?: Array<{ address: string; port: number }>;
  timeoutMs?: number;
  resends?: number;
}

export async function discover(o: ProbeOptions = {}): Promise<DiscoveredDevice[]> {
  const messageId = randomUUID();
  const message = Buffer.from(probeMessage(messageId));
  const found = new Map<string, DiscoveredDevice>();
  const unicast = o.targets && o.targets.length > 0;
  // One socket per interface, so the probe leaves on every network, not only the default route.
  const sources = unicast ? ['0.0.0.0'] : ipv4Addresses();
  const sockets = await Promise.all(
    sources.map(
      (address) =>
        new Promise<dgram.Socket>((resolve, reject) => {
          const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
          socket.on('error', reject);
          socket.on('message', (msg, rinfo) => {
            const match = parseProbeMatch(msg.toString('utf8'), messageId);
            if (match && !found.has(match.endpoint)) found.set(match.endpoint, { ...match, from: rinfo.address });
          });
          socket.bind(0, unicast ? undefined : address, () => {
            if (!unicast) socket.setMulticastInterface(address);
            resolve(socket);
          });
        }),
    ),
  );
  const targets = unicast ? o.targets! : [MULTICAST];
  const resends = o.resends ?? 3;
  const timeoutMs = o.timeoutMs ?? 2_000;
  for (let i = 0; i < resends; i += 1) {
    for (const socket of sockets) for (const t of targets) socket.send(message, t.port, t.address);
    await new Promise((r) => setTimeout(r, Math.min(300, timeoutMs / resends)));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, timeoutMs - resends * Math.min(300, timeoutMs / resends))));
  for (const socket of sockets) socket.close();
  return [...found.values()];
}

function ipv4Addresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}
