import { describe, expect, it } from 'vitest';
import { PIPE_BLOCK, crc32, padToBlock } from '../../../agent/media/image-framing.ts';

/** A minimal PNG's frame: signature, an IHDR-sized chunk of zeros, IEND (as ffmpeg's parser walks chunks). */
const png = (bodyBytes: number): Buffer => {
  const iend = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  const body = Buffer.alloc(bodyBytes);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), body, iend]);
};

describe('pictures padded to whole pipe blocks for image2pipe', () => {
  it('CRC-32 as PNG computes it (IEND’s known CRC)', () => {
    expect(crc32(Buffer.from('IEND', 'latin1'))).toBe(0xae426082);
  });

  it.each([0, 1, 4_000, 4_096 - 20 - 12, 4_096 - 20 - 11, 10_000])(
    'PNG of %i body bytes: whole blocks, a valid paDd chunk before IEND',
    (n) => {
      const padded = padToBlock(png(n), 'png');
      expect(padded.length % PIPE_BLOCK).toBe(0);
      expect(padded.length).toBeLessThan(png(n).length + PIPE_BLOCK + 12);
      expect(padded.subarray(0, 8 + n)).toEqual(png(n).subarray(0, 8 + n));
      const chunkAt = 8 + n;
      const length = padded.readUInt32BE(chunkAt);
      expect(padded.toString('latin1', chunkAt + 4, chunkAt + 8)).toBe('paDd');
      expect(padded.readUInt32BE(chunkAt + 8 + length)).toBe(crc32(padded.subarray(chunkAt + 4, chunkAt + 8 + length)));
      expect(padded.subarray(-12)).toEqual(png(n).subarray(-12));
    },
  );

  it('JPEG: a comment segment right after SOI, its length counting itself', () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(5_000, 1), Buffer.from([0xff, 0xd9])]);
    const padded = padToBlock(jpeg, 'jpeg');
    expect(padded.length % PIPE_BLOCK).toBe(0);
    expect([...padded.subarray(0, 4)].slice(0, 2)).toEqual([0xff, 0xd8]);
    expect([padded[2], padded[3]]).toEqual([0xff, 0xfe]);
    expect(padded.readUInt16BE(4)).toBe(padded.length - jpeg.length - 2);
    expect(padded.subarray(-5_002)).toEqual(jpeg.subarray(2));
  });

  it('BMP: zeros after the pixels, the header’s file size raised to match', () => {
    const bmp = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(5_000)]);
    bmp.writeUInt32LE(bmp.length, 2);
    const padded = padToBlock(bmp, 'bmp');
    expect(padded.length).toBe(2 * PIPE_BLOCK);
    expect(padded.readUInt32LE(2)).toBe(padded.length);
  });

  it('leaves alone what is not the format it claims (ffmpeg will say so), and a picture already on a block boundary', () => {
    const junk = Buffer.from('not a picture');
    expect(padToBlock(junk, 'png')).toBe(junk);
    expect(padToBlock(junk, 'jpeg')).toBe(junk);
    expect(padToBlock(junk, 'bmp')).toBe(junk);
    const exact = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(PIPE_BLOCK - 2)]);
    expect(padToBlock(exact, 'bmp').length).toBe(PIPE_BLOCK);
  });
});
