/**
 * A device's media watch in its config: the agent's YAML, a profile's defaults, a registration's
 * source over them (protocols/media-config.ts), and the CLI flags that give a unit's part.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { parseAgentConfig } from '../../agent/config.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { mediaSettings } from '../../cli/device-command.ts';
import { configProblems } from '../support/config-problems.ts';
import { MediaSettings, unitMediaConfig } from '../../protocols/media-config.ts';
import { loadProfile } from '../../protocols/profile-loader.ts';

const drivers = builtInDrivers();

const problems = configProblems;

const DEFAULT_ANALYSIS = { width: 320, height: 180, fps: 10, keyframesOnly: false, ffmpegPath: 'ffmpeg' };

describe("a unit's media over its profile's (unitMediaConfig)", () => {
  const camera: MediaSettings = {
    role: 'source',
    picture: { blackForMs: 3_000, frozenForMs: 4_000 },
    analysis: { width: 256, height: 144 },
  };

  it('watches nothing while neither names a source: a profile may say how its model is checked, a unit where', () => {
    expect(unitMediaConfig(undefined, undefined)).toBeUndefined();
    expect(unitMediaConfig(camera, undefined)).toBeUndefined();
    expect(unitMediaConfig(camera, { role: 'program' })).toBeUndefined();
  });

  it("takes the unit's source with the profile's checks, key by key, and fills the contract's defaults once", () => {
    const merged = unitMediaConfig(camera, {
      source: { fromDriver: 'stream', mediaProfile: 'prof_sub_2' },
      picture: { blackForMs: 5_000 },
    });
    expect(merged).toMatchObject({
      source: { fromDriver: 'stream', mediaProfile: 'prof_sub_2' },
      role: 'source',
      picture: { blackForMs: 5_000, frozenForMs: 4_000, noSignalForMs: 2_000, mayBeDark: false },
      analysis: { ...DEFAULT_ANALYSIS, width: 256, height: 144 },
    });
    expect(merged!.sound, 'an aspect neither names').toBeUndefined();
  });

  it("replaces the profile's source whole: a URL and a driver's stream are never merged into one", () => {
    const probe: MediaSettings = { source: { fromDriver: 'stream' }, role: 'program' };
    expect(unitMediaConfig(probe, { source: { url: 'udp://127.0.0.1:5000' } })?.source).toEqual({ url: 'udp://127.0.0.1:5000' });
    expect(unitMediaConfig(probe, { role: 'playback' })).toMatchObject({ source: { fromDriver: 'stream' }, role: 'playback' });
  });

  it('keeps a part free of defaults, so a unit that gives only its URL overrides nothing else of its profile', () => {
    const unit = Value.Default(MediaSettings, { source: { url: 'srt://10.0.0.9:9000' } }) as MediaSettings;
    expect(unit).toEqual({ source: { url: 'srt://10.0.0.9:9000' } });
    expect(unitMediaConfig({ role: 'program', picture: { blackForMs: 9_000 } }, unit)).toMatchObject({
      role: 'program',
      picture: { blackForMs: 9_000 },
    });
  });
});

describe('media in the agent config file', () => {
  const device = (media: string) =>
    `agentId: a1\ndevices:\n  - id: program-out\n    driver: stream\n    options: { url: "udp://127.0.0.1:5000" }\n    media:\n${media}`;

  it("fills the watch's defaults", () => {
    const config = parseAgentConfig(device('      source: { fromDriver: stream }\n      role: program\n'), 'agent.yaml', drivers);
    expect(config.devices[0]!.media).toEqual({ source: { fromDriver: 'stream' }, role: 'program', analysis: DEFAULT_ANALYSIS });
  });

  it('fills an aspect it names, and leaves out the ones it does not (a camera without sound is never "silent")', () => {
    const config = parseAgentConfig(
      device('      source: { url: "udp://127.0.0.1:5000" }\n      picture: { mayBeDark: true }\n'),
      'a.yaml',
      drivers,
    );
    expect(config.devices[0]!.media).toEqual({
      source: { url: 'udp://127.0.0.1:5000' },
      role: 'source',
      picture: {
        blackForMs: 2_000,
        blackPixelThreshold: 0.1,
        blackPictureRatio: 0.98,
        frozenForMs: 2_000,
        freezeNoiseDb: -60,
        noSignalForMs: 2_000,
        mayBeDark: true,
        mayBeStill: false,
      },
      analysis: DEFAULT_ANALYSIS,
    });
  });

  it('reports a typo with file, line, column, field and the closest valid name', () => {
    const text = device('      source: { url: "udp://127.0.0.1:5000" }\n      picture:\n        blackForMS: 1000\n      role: programme\n');
    expect(problems(() => parseAgentConfig(text, 'agent.yaml', drivers))).toEqual([
      'agent.yaml:10:7: devices.0.media.role: must be one of "source", "program", "playback" (did you mean "program"?)',
      'agent.yaml:9:9: devices.0.media.picture.blackForMS: unknown field "blackForMS" (did you mean "blackForMs"?)',
    ]);
  });

  it('says what a source may be', () => {
    const text = device('      source: { fromDriver: screenshot }\n');
    expect(problems(() => parseAgentConfig(text, 'agent.yaml', drivers))).toEqual([
      'agent.yaml:7:7: devices.0.media.source: must be one of { url }, { fromDriver: "stream", mediaProfile? }, { fromDriver: "screenshots" }',
    ]);
  });
});

describe("a profile's media", () => {
  it('is checked like the rest of the profile, at its line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
    const file = path.join(dir, 'p.yaml');
    writeFileSync(
      file,
      'profile: probe\nversion: 1\nmanufacturer: OnAir\nmodel: probe\nkind: stream-encoder\ndriver: stream\nselfTest: [{ name: up, intrusive: false }]\nmedia:\n  sound: { silentForMs: -5 }\n',
    );
    expect(problems(() => loadProfile(file)).map((l) => l.replace(file, 'p.yaml'))).toEqual([
      'p.yaml:9:12: media.sound.silentForMs: Expected integer to be greater or equal to 0',
    ]);
  });
});

describe('onair device add --media-url / --media-stream / --media-role', () => {
  it("gives the unit's part: a URL, its driver's stream (of one media profile), its role", () => {
    expect(mediaSettings({}, undefined)).toBeUndefined();
    expect(mediaSettings({ mediaUrl: 'srt://enc:9000' }, undefined)).toEqual({ source: { url: 'srt://enc:9000' } });
    expect(mediaSettings({ mediaStream: true }, undefined)).toEqual({ source: { fromDriver: 'stream' } });
    expect(mediaSettings({ mediaStream: 'prof_sub_2', mediaRole: 'program' }, undefined)).toEqual({
      source: { fromDriver: 'stream', mediaProfile: 'prof_sub_2' },
      role: 'program',
    });
    expect(mediaSettings({ mediaRole: 'playback' }, { source: { fromDriver: 'stream' } })).toEqual({ role: 'playback' });
  });

  it('refuses what would watch nothing, or two sources', () => {
    expect(() => mediaSettings({ mediaUrl: 'udp://x:1', mediaStream: true }, undefined)).toThrow('not both');
    expect(() => mediaSettings({ mediaRole: 'program' }, undefined)).toThrow('--media-role needs a source');
    expect(() => mediaSettings({ mediaUrl: 'udp://x:1', mediaRole: 'viewer' }, undefined)).toThrow('must be source, program or playback');
  });
});
