/**
 * The simulated OBS's program content (simulators/obs-program.ts), without ffmpeg: the pictures it
 * renders, the sizes obs-websocket computes, the refusals in its order, and the meter data shape.
 * Encoding and the wire are in test/integration/obs-program.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { answerScreenshot, meterEventData, renderPicture, screenshotSize, type ScreenshotSource } from '../../../simulators/obs-program.ts';

const mean = (rgb: Buffer): number => rgb.reduce((sum, v) => sum + v, 0) / rgb.length;

describe('simulated program pictures', () => {
  it('normal pictures differ from frame to frame and between scenes, and are far from black', () => {
    const frame = (n: number, scene = 0) => renderPicture('normal', scene, n, 320, 180);
    expect(frame(100).equals(frame(101))).toBe(false);
    expect(frame(100).equals(frame(130))).toBe(false); // a second apart, as the driver takes them
    expect(frame(100).equals(frame(100))).toBe(true);
    expect(frame(100, 0).equals(frame(100, 1))).toBe(false);
    expect(mean(frame(100))).toBeGreaterThan(80);
  });

  it('black is every pixel 0, at the asked size', () => {
    const black = renderPicture('black', 0, 5, 64, 36);
    expect(black.length).toBe(64 * 36 * 3);
    expect(black.every((v) => v === 0)).toBe(true);
  });

  it('sizes as obs-websocket: the source size, the other side by aspect, or exactly both', () => {
    expect(screenshotSize(undefined, undefined)).toEqual({ width: 1920, height: 1080 });
    expect(screenshotSize(320, undefined)).toEqual({ width: 320, height: 180 });
    expect(screenshotSize(undefined, 360)).toEqual({ width: 640, height: 360 });
    expect(screenshotSize(100, 100)).toEqual({ width: 100, height: 100 });
  });
});

describe('simulated GetSourceScreenshot refusals (obs-websocket RequestStatus)', () => {
  const source: ScreenshotSource = {
    scenes: ['Cam 1'],
    scene: new Map([['Cam 1', { content: 'normal', frozenFrame: 0 }]]),
    audio: [{ inputName: 'Mic/Aux', inputUuid: 'u', level: 'normal' }],
    override: undefined,
  };
  const ask = (data: Record<string, unknown>) => answerScreenshot(source, data, 0, '/nonexistent/ffmpeg');

  it.each([
    [{}, 300, /sourceName/],
    [{ sourceName: 'Cam 9', imageFormat: 'png' }, 600, /No source was found by the name of `Cam 9`/],
    [{ sourceName: 'Cam 1' }, 300, /imageFormat/],
    [{ sourceName: 'Cam 1', imageFormat: 'webp' }, 400, /image format is invalid or not supported/],
    [{ sourceName: 'Cam 1', imageFormat: 'png', imageWidth: 4 }, 402, /imageWidth.*minimum of `8`/],
    [{ sourceName: 'Cam 1', imageFormat: 'png', imageHeight: 5000 }, 402, /imageHeight.*maximum of `4096`/],
    [{ sourceName: 'Cam 1', imageFormat: 'png', imageCompressionQuality: 101 }, 402, /imageCompressionQuality/],
    [{ sourceName: 'Mic/Aux', imageFormat: 'png' }, 702, /Failed to render screenshot/],
    [{ sourceName: 'Cam 1', imageFormat: 'png' }, 702, /Failed to encode screenshot\. \(ffmpeg not found at \/nonexistent\/ffmpeg\)/],
  ])('%j -> %i', async (data, code, comment) => {
    const answer = await ask(data);
    expect(answer.code).toBe(code);
    expect(answer.comment).toMatch(comment);
  });
});

describe('simulated InputVolumeMeters', () => {
  const inputs = [
    { inputName: 'Mic/Aux', inputUuid: 'a', level: 'normal' as const },
    { inputName: 'Desktop Audio', inputUuid: 'b', level: 'silent' as const },
  ];

  it('per input and channel [magnitude, peak, input peak]: normal near −20 dBFS, silent 0, clipping 1', () => {
    const data = meterEventData(inputs, undefined, 7) as { inputs: Array<{ inputName: string; inputLevelsMul: number[][] }> };
    expect(data.inputs.map((i) => i.inputName)).toEqual(['Mic/Aux', 'Desktop Audio']);
    const [mic, desktop] = data.inputs;
    expect(mic!.inputLevelsMul).toHaveLength(2);
    for (const [magnitude, peak, inputPeak] of mic!.inputLevelsMul) {
      expect(20 * Math.log10(peak!)).toBeGreaterThan(-22.5);
      expect(20 * Math.log10(peak!)).toBeLessThan(-17.5);
      expect(magnitude).toBeLessThan(peak!);
      expect(inputPeak).toBe(peak);
    }
    expect(desktop!.inputLevelsMul).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const clipping = meterEventData(inputs, 'clipping', 7) as typeof data;
    expect(clipping.inputs.every((i) => i.inputLevelsMul.every(([, peak]) => peak === 1))).toBe(true);
  });
});
