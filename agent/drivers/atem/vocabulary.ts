/**
 * What an ATEM's state means for a studio: program and preview per mix effect bus (the switcher's
 * own tally: program is on air), its power supplies, its protocol version, and how a take is made.
 * M/E buses are 1-based for people and 0-based on the wire.
 */
import type { AtemState } from 'atem-connection';
import type { Metrics } from '../../../protocols/schemas.ts';
import { parseProgramSource } from '../../../protocols/program-source.ts';

/** `_ver` packs major.minor as major << 16 | minor (131102 = 2.30). */
export function protocolVersion(apiVersion: number): string {
  return `${apiVersion >> 16}.${apiVersion & 0xffff}`;
}

export function metricsOf(state: Readonly<AtemState>): Metrics {
  const mixEffects = state.video.mixEffects;
  const metrics: Metrics = {
    model: state.info.productIdentifier ?? 'unknown ATEM',
    protocolVersion: protocolVersion(state.info.apiVersion),
    powerSupplies: state.info.power.length,
    powerSuppliesFailed: state.info.power.filter((on) => !on).length,
  };
  const first = mixEffects[0];
  if (first) {
    metrics.programInput = first.programInput;
    metrics.previewInput = first.previewInput;
  }
  mixEffects.forEach((me, index) => {
    if (me && index > 0) metrics[`programInputMe.${index + 1}`] = me.programInput;
  });
  return metrics;
}

/** An ATEM program source (`[me:<m>/]input:<n>`) as wire indices. */
export function inputOf(text: string): { me: number; input: number } {
  const source = parseProgramSource(text);
  if (typeof source === 'string') throw new Error(source);
  if (source.kind !== 'input') throw new Error(`"${text}" is an OBS scene; an ATEM takes inputs (input:<n> or me:<m>/input:<n>)`);
  return { me: source.me - 1, input: source.input };
}

/** Is `me` (0-based) a bus this switcher has? */
export function checkMixEffect(state: Readonly<AtemState> | undefined, me: number): void {
  const count = state?.info.capabilities?.mixEffects ?? 0;
  if (me >= count) throw new Error(`this ATEM has ${count} M/E bus${count === 1 ? '' : 'es'}; there is no M/E ${me + 1}`);
}
