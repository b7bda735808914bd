import { describe, expect, it } from 'vitest';
import { decideProgramTake } from '../../agent/drivers/program-take.ts';

describe('a switcher’s program-take (obs and atem drivers)', () => {
  it('cuts while program shows the failed source', () => {
    expect(decideProgramTake({ program: 'Cam 1', preview: 'Cam 2' }, 'Cam 1')).toEqual({ cut: true });
    expect(decideProgramTake({ program: 3, preview: undefined }, 3)).toEqual({ cut: true });
  });

  it('cuts unconditionally when no failed source is named', () => {
    expect(decideProgramTake({ program: 'Cam 2', preview: undefined }, undefined)).toEqual({ cut: true });
    expect(decideProgramTake({ program: undefined, preview: undefined }, undefined)).toEqual({ cut: true });
  });

  it('airs nothing once the director has cut elsewhere, moving a preview that still holds the failed source', () => {
    expect(decideProgramTake({ program: 'Cam 2', preview: 'Cam 1' }, 'Cam 1')).toEqual({ cut: false, movePreview: true });
    expect(decideProgramTake({ program: 2, preview: 1 }, 1)).toEqual({ cut: false, movePreview: true });
  });

  it('leaves a preview alone that holds something else, or a switcher without one', () => {
    expect(decideProgramTake({ program: 'Cam 2', preview: 'Cam 3' }, 'Cam 1')).toEqual({ cut: false, movePreview: false });
    expect(decideProgramTake({ program: 'Cam 2', preview: undefined }, 'Cam 1')).toEqual({ cut: false, movePreview: false });
    // A switcher that has not reported its program yet is not showing the failed source.
    expect(decideProgramTake({ program: undefined, preview: undefined }, 4)).toEqual({ cut: false, movePreview: false });
  });
});
