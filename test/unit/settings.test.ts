import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../cli/device-command.ts';

describe('onair device add --set', () => {
  it('types numbers and booleans, keeps ids and addresses as text', () => {
    expect(parseSettings(['host=10.0.20.31', 'channel=2', 'uid=6574:00000042', 'muteControl=false', 'gain=-12.5'])).toEqual({
      host: '10.0.20.31',
      channel: 2,
      uid: '6574:00000042',
      muteControl: false,
      gain: -12.5,
    });
  });

  it('sets entries inside objects with dotted keys and takes JSON lists and objects', () => {
    expect(parseSettings(['scenes.interview=[180,0,0,0]', 'scenes.off=[0,0,0,0]', 'auth={"user":"ops"}'])).toEqual({
      scenes: { interview: [180, 0, 0, 0], off: [0, 0, 0, 0] },
      auth: { user: 'ops' },
    });
  });

  it('refuses secrets at any depth, malformed JSON and empty key parts, naming the setting', () => {
    expect(() => parseSettings(['auth.password=hunter2'])).toThrow('--set auth.password: secrets are never stored');
    expect(() => parseSettings(['scenes.full=[255,0'])).toThrow(/^--set scenes\.full: \[255,0 is not valid JSON/);
    expect(() => parseSettings(['scenes..full=1'])).toThrow('--set scenes..full: empty part in the key');
    expect(() => parseSettings(['=1'])).toThrow('--set "=1" is not key=value');
  });
});
