/**
 * The failover engine's take on a program switcher (the `program-take` action of the obs and atem
 * drivers): cut to the replacement only while program shows the failed source. If the director has
 * already cut elsewhere, nothing airs; a preview still holding the failed source is moved to the
 * replacement, so the director's next take does not put the dead source back on air.
 */
export type ProgramTakeDecision = { cut: true } | { cut: false; movePreview: boolean };

export interface SwitcherShows<Source> {
  program: Source | undefined;
  /** What preview holds; undefined when the switcher has no preview (OBS outside studio mode). */
  preview: Source | undefined;
}

/** `failed` undefined: the engine names no failed source, so the take is unconditional. */
export function decideProgramTake<Source extends string | number>(
  shows: SwitcherShows<Source>,
  failed: Source | undefined,
): ProgramTakeDecision {
  if (failed === undefined || shows.program === failed) return { cut: true };
  return { cut: false, movePreview: shows.preview === failed };
}
