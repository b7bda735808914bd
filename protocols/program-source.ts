/**
 * Where a slot member appears on the program, as written after `switcher#` in a slot's `--program`:
 * `scene:<name>` for OBS Studio (a scene per camera), `input:<n>` or `me:<m>/input:<n>` for an ATEM
 * (an input on a mix effect bus, M/E 1 by default). Parsed the same way by the controller (which
 * checks it against the switcher's driver) and by the switcher's driver (which takes it).
 */
import { DRIVER_SPECS } from './drivers/index.ts';

export type ProgramSource = { kind: 'scene'; scene: string } | { kind: 'input'; me: number; input: number };

/** Which driver understands which kind of program source: the switchers' own declaration (protocols/drivers). */
export const PROGRAM_SOURCE_KINDS: Readonly<Record<string, ProgramSource['kind']>> = Object.fromEntries(
  [...DRIVER_SPECS].flatMap(([name, spec]) => (spec.programSource ? [[name, spec.programSource]] : [])),
);

export function parseProgramSource(text: string): ProgramSource | string {
  const scene = /^scene:(.+)$/.exec(text);
  if (scene) return scene[1]!.trim() ? { kind: 'scene', scene: scene[1]! } : `"${text}": the scene name is empty`;
  const input = /^(?:me:(\d{1,2})\/)?input:(\d{1,5})$/.exec(text);
  if (input) {
    const me = input[1] === undefined ? 1 : Number(input[1]);
    if (me < 1) return `"${text}": M/E buses count from 1`;
    return { kind: 'input', me, input: Number(input[2]) };
  }
  return `"${text}" is not a program source: use scene:<name> (OBS) or input:<n> / me:<m>/input:<n> (ATEM)`;
}

export function formatProgramSource(s: ProgramSource): string {
  return s.kind === 'scene' ? `scene:${s.scene}` : `${s.me === 1 ? '' : `me:${s.me}/`}input:${s.input}`;
}
