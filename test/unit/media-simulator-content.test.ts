/** The media simulators' pure parts: content states and the ffmpeg commands between them, the HLS window. */
import { describe, expect, it } from 'vitest';
import {
  NORMAL_CONTENT,
  SOURCE_CONTENTS,
  applyContent,
  commandLine,
  commandsBetween,
  encoderArgs,
} from '../../simulators/media-content.ts';
import { FAULT_CHECK } from '../../protocols/media.ts';
import { parseMediaPlaylist, programDateMs, renderWindow } from '../../simulators/hls-playlist.ts';

describe('source content', () => {
  it('offers normal and every picture and sound fault of the contract, none of the playback ones', () => {
    const sourceFaults = Object.entries(FAULT_CHECK).flatMap(([fault, check]) => (check === 'playback' ? [] : [fault]));
    expect([...SOURCE_CONTENTS].sort()).toEqual(['normal', ...sourceFaults].sort());
  });

  it('changes one aspect at a time; normal restores all; no-signal keeps what comes back', () => {
    const blackSilent = applyContent(applyContent(NORMAL_CONTENT, 'black'), 'silent');
    expect(blackSilent).toEqual({ picture: 'black', sound: 'silent', signal: true });
    expect(applyContent(blackSilent, 'frozen')).toEqual({ picture: 'frozen', sound: 'silent', signal: true });
    const off = applyContent(blackSilent, 'no-signal');
    expect(off).toEqual({ picture: 'black', sound: 'silent', signal: false });
    expect(applyContent(off, 'too-loud')).toEqual({ picture: 'black', sound: 'too-loud', signal: true });
    expect(applyContent(off, 'normal')).toEqual(NORMAL_CONTENT);
  });

  it('sends only the filter commands for what differs, as lines ffmpeg’s c key reads', () => {
    expect(commandsBetween(NORMAL_CONTENT, NORMAL_CONTENT)).toEqual([]);
    const black = applyContent(NORMAL_CONTENT, 'black');
    expect(commandsBetween(NORMAL_CONTENT, black)).toEqual([{ target: 'drawbox@black', command: 'enable', arg: '1' }]);
    expect(commandsBetween(black, applyContent(NORMAL_CONTENT, 'frozen')).map(commandLine)).toEqual([
      'cdrawbox@black -1 enable 0\n',
      'coverlay@frozen -1 enable 1\n',
    ]);
    expect(commandsBetween(NORMAL_CONTENT, applyContent(NORMAL_CONTENT, 'silent')).map(commandLine)).toEqual([
      'cvolume@level -1 volume 0\n',
    ]);
  });

  it('starts a restarted encoder in the content asked for, in its graph', () => {
    const graph = (state = NORMAL_CONTENT) =>
      encoderArgs('substream', state)[encoderArgs('substream', state).indexOf('-filter_complex') + 1];
    expect(graph()).toContain('drawbox@black=c=black:t=fill:enable=0');
    expect(graph(applyContent(NORMAL_CONTENT, 'black'))).toContain('drawbox@black=c=black:t=fill:enable=1');
    expect(graph(applyContent(NORMAL_CONTENT, 'clipping'))).toContain('volume@level=volume=30dB,aformat=sample_fmts=s16');
    expect(encoderArgs('main', NORMAL_CONTENT)).toContain('testsrc2=s=1920x1080:r=25');
  });
});

// The shape ffmpeg 5.1's hls muxer writes with -hls_flags program_date_time (a live list: no ENDLIST).
const PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:1',
  '#EXT-X-MEDIA-SEQUENCE:40',
  ...[40, 41, 42, 43, 44].flatMap((n) => [
    `#EXT-X-PROGRAM-DATE-TIME:2026-12-07T01:00:${n - 30}.000+0000`,
    '#EXTINF:1.000000,',
    `seg-${n}.ts`,
  ]),
  '',
].join('\n');

describe('HLS window', () => {
  it('reads the segments with their sequence numbers, durations and date-times', () => {
    const p = parseMediaPlaylist(PLAYLIST);
    expect(p.mediaSequence).toBe(40);
    expect(p.segments.map((s) => [s.sequence, s.uri, s.durationS])).toEqual([40, 41, 42, 43, 44].map((n) => [n, `seg-${n}.ts`, 1]));
    expect(programDateMs(p.segments[0]!)).toBe(Date.UTC(2026, 11, 7, 1, 0, 10));
  });

  it('serves the newest segments, or holds back the newest ones adding up to the delay asked for', () => {
    const p = parseMediaPlaylist(PLAYLIST);
    expect(parseMediaPlaylist(renderWindow(p, 3)).segments.map((s) => s.sequence)).toEqual([42, 43, 44]);
    const behind = renderWindow(p, 3, 2_000);
    expect(behind).toContain('#EXT-X-MEDIA-SEQUENCE:40\n');
    expect(parseMediaPlaylist(behind).segments.map((s) => s.uri)).toEqual(['seg-40.ts', 'seg-41.ts', 'seg-42.ts']);
    expect(renderWindow(p, 3).split('\n').slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1']);
  });
});
