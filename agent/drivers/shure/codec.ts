/**
 * Shure command strings: framing and message codec. Pure; no I/O.
 * Source: Shure ULX-D / QLX-D "Command Strings" (pubs.shure.com/command-strings/ULXD): ASCII
 * messages `< GET x PROP >`, `< SET x PROP value >`, `< REP x PROP value >`, `< REP ERR >`,
 * `< SAMPLE x ALL … >`; x is 0 (all) or a channel 1-4; device properties take no channel.
 * Over TCP the device sends no line terminator, so messages are framed on `<` … `>`.
 */

/** Longest message we accept; anything longer is garbage (the longest real REP is well under 200). */
export const MAX_MESSAGE = 512;

export type ShureMessage =
  | { type: 'REP'; channel?: number; property: string; value: string }
  | { type: 'REP_ERR' }
  | { type: 'SAMPLE'; channel: number; fields: string[] }
  | { type: 'GET'; channel?: number; property: string }
  | { type: 'SET'; channel?: number; property: string; value: string };

export function encodeGet(property: string, channel?: number): string {
  return `< GET ${channel === undefined ? '' : `${channel} `}${checkName(property)} >`;
}

export function encodeSet(property: string, value: string, channel?: number): string {
  if (/[<>]/.test(value)) throw new RangeError('a value may not contain < or >');
  return `< SET ${channel === undefined ? '' : `${channel} `}${checkName(property)} ${value} >`;
}

function checkName(property: string): string {
  if (!/^[A-Z0-9_]+$/.test(property)) throw new RangeError(`"${property}" is not a Shure property name`);
  return property;
}

/** Parses the text between `<` and `>`. */
export function parseMessage(body: string): ShureMessage | { type: 'invalid'; reason: string } {
  const tokens = body.trim().split(/\s+/);
  const [verb, ...rest] = tokens;
  if (verb === 'REP' && rest.length === 1 && rest[0] === 'ERR') return { type: 'REP_ERR' };
  const hasChannel = rest.length > 0 && /^[0-9]$/.test(rest[0]!);
  const channel = hasChannel ? Number(rest[0]) : undefined;
  const args = hasChannel ? rest.slice(1) : rest;
  switch (verb) {
    case 'REP': {
      const [property, ...value] = args;
      if (!property || !/^[A-Z0-9_]+$/.test(property)) return { type: 'invalid', reason: `REP without a property: "${body}"` };
      // Values may contain spaces (channel names are padded with them); keep them as sent, minus the framing space.
      return { type: 'REP', ...(channel === undefined ? {} : { channel }), property, value: value.join(' ') };
    }
    case 'SAMPLE':
      if (channel === undefined) return { type: 'invalid', reason: `SAMPLE without a channel: "${body}"` };
      return { type: 'SAMPLE', channel, fields: args };
    case 'GET':
      if (!args[0]) return { type: 'invalid', reason: 'GET without a property' };
      return { type: 'GET', ...(channel === undefined ? {} : { channel }), property: args[0] };
    case 'SET':
      if (!args[0] || args.length < 2) return { type: 'invalid', reason: 'SET without a property and value' };
      return { type: 'SET', ...(channel === undefined ? {} : { channel }), property: args[0], value: args.slice(1).join(' ') };
    default:
      return { type: 'invalid', reason: `unknown message "${body.slice(0, 40)}"` };
  }
}

export interface FramerCounters {
  messages: number;
  garbageBytes: number;
  oversized: number;
}

/**
 * Splits a stream into `< … >` messages: drops anything outside the brackets, restarts on a `<`
 * inside an open message (the previous one was cut off), and never holds more than MAX_MESSAGE.
 */
export class ShureFramer {
  readonly counters: FramerCounters = { messages: 0, garbageBytes: 0, oversized: 0 };
  private current: string | undefined;

  constructor(private readonly onMessage: (body: string) => void) {}

  /** Characters of a message not yet closed, its `<` included (at most MAX_MESSAGE + 1). */
  get held(): number {
    return this.current === undefined ? 0 : this.current.length + 1;
  }

  push(chunk: string): void {
    for (const ch of chunk) {
      if (ch === '<') {
        if (this.current !== undefined) this.counters.garbageBytes += this.current.length + 1;
        this.current = '';
      } else if (this.current === undefined) {
        if (ch !== '\r' && ch !== '\n' && ch !== ' ') this.counters.garbageBytes += 1;
      } else if (ch === '>') {
        const body = this.current;
        this.current = undefined;
        this.counters.messages += 1;
        this.onMessage(body);
      } else if (this.current.length >= MAX_MESSAGE) {
        this.counters.oversized += 1;
        this.counters.garbageBytes += this.current.length + 2;
        this.current = undefined;
      } else {
        this.current += ch;
      }
    }
  }

  reset(): void {
    this.current = undefined;
  }
}
