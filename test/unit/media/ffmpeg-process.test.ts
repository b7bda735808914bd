import { describe, expect, it } from 'vitest';
import { RestartSchedule, unavailableReason } from '../../../agent/media/ffmpeg-process.ts';

describe('ffmpeg restarts', () => {
  it('waits 1 s, doubling to 30 s while runs fail quickly', () => {
    const s = new RestartSchedule();
    expect(Array.from({ length: 8 }, () => s.afterExit(0))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts again from 1 s after a run that made progress for a minute, exactly included', () => {
    const s = new RestartSchedule();
    for (let i = 0; i < 5; i += 1) s.afterExit(0);
    expect(s.afterExit(59_999)).toBe(30_000);
    expect(s.afterExit(60_000)).toBe(1_000);
    expect(s.afterExit(10)).toBe(2_000);
  });

  it('says what to do when the binary is missing', () => {
    expect(unavailableReason('/nonexistent/ffmpeg', 'ENOENT')).toBe(
      "ffmpeg not found at /nonexistent/ffmpeg; install Debian's ffmpeg (apt-get install ffmpeg)",
    );
    expect(unavailableReason('/usr/bin/ffmpeg', '127')).toMatch(/^ffmpeg not found at \/usr\/bin\/ffmpeg;/);
    expect(unavailableReason('/tmp/ffmpeg', 'EACCES')).toBe('ffmpeg at /tmp/ffmpeg cannot run (EACCES)');
  });
});
