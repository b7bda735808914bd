import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile, validateProfiles } from '../../protocols/profile-loader.ts';
import { evaluateHealthRules } from '../../protocols/health-rules.ts';
import { mergeSettings } from '../../protocols/profile.ts';
import { DRIVER_NAMES } from '../../protocols/drivers/index.ts';
import { ConfigError } from '../../lib/yaml-config.ts';

const root = path.resolve(import.meta.dirname, '../..');
const library = readdirSync(path.join(root, 'hardware-profiles'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(root, 'hardware-profiles', f));
const fixture = (name: string) => path.join(root, 'test/fixtures/profiles', name);

describe('the profile library', () => {
  it('has at least eight real models, all valid against the schema and their drivers', () => {
    const { profiles, errors } = validateProfiles(library);
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(profiles.length).toBeGreaterThanOrEqual(8);
    // Every driver for real gear has a model in the library (the simulated driver's are in simulators/profiles).
    expect(new Set(profiles.map((p) => p.driver))).toEqual(new Set(DRIVER_NAMES.filter((d) => d !== 'simulated')));
    for (const p of profiles) expect(p.selfTest.length, p.profile).toBeGreaterThan(0);
  });

  it('includes valid profiles for the simulated gear the demo, tests and benchmark register', () => {
    const dir = path.join(root, 'simulators/profiles');
    const { profiles, errors } = validateProfiles(readdirSync(dir).map((f) => path.join(dir, f)));
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(profiles.map((p) => p.profile).sort()).toEqual(['simulated-camera', 'simulated-light', 'simulated-mic']);
  });
});

describe('profile validation errors', () => {
  const problems = (file: string) => {
    try {
      loadProfile(file);
    } catch (err) {
      if (err instanceof ConfigError) return err.message.split('\n').map((l) => l.replace(fixture('') + path.sep, ''));
      throw err;
    }
    throw new Error('expected errors');
  };

  it('reports every typo at once, schema and driver alike, with line, column, field and the closest valid name', () => {
    expect(problems(fixture('bad-typos.yaml'))).toEqual([
      'bad-typos.yaml:5:1: kind: must be one of "camera", "microphone-receiver", "light", "lighting-interface", "gpio-board", "switcher", "stream-encoder" (did you mean "camera"?)',
      'bad-typos.yaml:10:41: health.rules.0.status: must be one of "degraded", "failed"',
      'bad-typos.yaml:7:15: connection.baudrate: unknown field "baudrate" (did you mean "baudRate"?)',
      'bad-typos.yaml:12:21: selfTest.0.action: must be one of "activate", "standby", "recall-preset", "set-preset", "power-on", "power-standby" (did you mean "recall-preset"?)',
    ]);
  });

  it('refuses a rule on a metric its driver does not report, such as a lifetime counter that is gone', () => {
    const text =
      'profile: sony-srg-300h\nversion: 1\nmanufacturer: Sony\nmodel: SRG-300H\nkind: camera\ndriver: visca\nhealth:\n  rules:\n    - { metric: cameraErrors, above: 10, status: degraded, message: refused }\n';
    const file = writeTemp(text);
    const [problem, ...rest] = problems(file).map((l) => l.replace(file, 'p.yaml'));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^p\.yaml:9:9: health\.rules\.0\.metric: must be one of "power", .*"cameraErrorsPerMin" \(did you mean "cameraErrorsPerMin"\?\)$/,
    );
  });

  it('checks the metrics an endurance forecast reads against the driver: a misspelt one would forecast nothing', () => {
    const text =
      'profile: shure-x\nversion: 1\nmanufacturer: Shure\nmodel: X\nkind: microphone-receiver\ndriver: shure\nendurance:\n  battery: { minutesMetric: batteryMinute }\n  trends: [{ metric: rfDbm }]\n';
    const file = writeTemp(text);
    const lines = problems(file).map((l) => l.replace(file, 'p.yaml'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^p\.yaml:8:14: endurance\.battery\.minutesMetric: must be one of .* \(did you mean "batteryMinutes"\?\)$/);
  });

  it('checks connection defaults and self-test actions against the driver', () => {
    const text =
      'profile: sony-srg-300h\nversion: 1\nmanufacturer: Sony\nmodel: SRG-300H\nkind: camera\ndriver: visca\nconnection: { baudrate: 9600 }\nselfTest:\n  - { name: recall, action: recal-preset, intrusive: true }\n';
    const file = writeTemp(text);
    expect(problems(file).map((l) => l.replace(file, 'p.yaml'))).toEqual([
      'p.yaml:7:15: connection.baudrate: unknown field "baudrate" (did you mean "baudRate"?)',
      'p.yaml:9:21: selfTest.0.action: must be one of "activate", "standby", "recall-preset", "set-preset", "power-on", "power-standby" (did you mean "recall-preset"?)',
    ]);
  });

  it('names what is missing and explains a malformed id', () => {
    expect(problems(fixture('bad-missing.yaml'))).toEqual([
      'bad-missing.yaml:1:1: version: is required',
      'bad-missing.yaml:1:1: model: is required',
      'bad-missing.yaml:1:1: profile: "x" is not valid: profile id, e.g. sony-srg-300h',
      'bad-missing.yaml:6:5: selfTest.0.intrusive: is required',
    ]);
  });
});

describe('health rules', () => {
  const rules = loadProfile(path.join(root, 'hardware-profiles/chauvet-ovation-e-260ww.yaml')).health.rules;

  it('turns metrics into statuses, the first matching rule per metric deciding', () => {
    expect(evaluateHealthRules(rules, { temperatureC: 90 })).toEqual([
      { name: 'temperatureC', status: 'failed', latencyMs: 0, detail: 'fixture at 90 °C is over its limit' },
    ]);
    expect(evaluateHealthRules(rules, { temperatureC: 80 })).toEqual([
      { name: 'temperatureC', status: 'degraded', latencyMs: 0, detail: 'fixture running hot: 80 °C' },
    ]);
    expect(evaluateHealthRules(rules, { temperatureC: 50, deviceHours: 51_000 })).toEqual([
      { name: 'maintenance: deviceHours', status: 'degraded', latencyMs: 0, detail: 'LED engine at 51000 h of its 50000 h life' },
    ]);
    expect(evaluateHealthRules(rules, {})).toEqual([]); // no reading is no evidence
  });

  it('matches equality on strings (a Shure receiver reporting interference)', () => {
    const shure = loadProfile(path.join(root, 'hardware-profiles/shure-ulxd4.yaml')).health.rules;
    expect(evaluateHealthRules(shure, { interference: 'CRITICAL', batteryBars: 4 }).map((c) => c.detail)).toEqual([
      'RF interference detected',
    ]);
    expect(evaluateHealthRules(shure, { interference: 'NONE', batteryBars: 1 }).map((c) => c.detail)).toEqual(['battery at 1 of 5 bars']);
  });
});

function writeTemp(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'onair-profile-')), 'p.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a unit over its profile', () => {
  it('keeps the profile defaults it does not set, at every depth; lists and values are replaced whole', () => {
    const profile = { footprint: 4, scenes: { full: [255, 0, 0, 0], off: [0, 0, 0, 0] }, auth: { user: 'admin', passwordEnv: 'CAM_PW' } };
    const unit = { scenes: { interview: [180, 0, 0, 0], off: [0, 0, 0, 5] }, auth: { user: 'ops' }, footprint: 6 };
    expect(mergeSettings(profile, unit)).toEqual({
      footprint: 6,
      scenes: { full: [255, 0, 0, 0], off: [0, 0, 0, 5], interview: [180, 0, 0, 0] },
      auth: { user: 'ops', passwordEnv: 'CAM_PW' },
    });
    expect(profile.scenes).toEqual({ full: [255, 0, 0, 0], off: [0, 0, 0, 0] }); // the profile is not touched
  });
});
