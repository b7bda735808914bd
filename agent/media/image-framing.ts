/**
 * Pictures for ffmpeg's image2pipe, padded to whole 4 KiB blocks (pure). ffmpeg 5.1's image2pipe
 * reads its pipe in blocking 4096-byte reads and its parser cuts the pictures out of them, so a
 * picture that ends inside a block waits for the next pictures to fill it: a 268-byte black PNG
 * (a black program's screenshot) was seen 2-3 s late at five pictures a second, and would be 15 s
 * late at one a second. Each picture is padded the way its format allows, so it ends on a block
 * boundary and is decoded as soon as it is written:
 * - PNG: a private ancillary chunk `paDd` before IEND (decoders skip unknown ancillary chunks);
 * - JPEG: a COM (comment) segment after SOI;
 * - BMP: zeros after the pixels, with the header's file size (what ffmpeg's BMP parser cuts by) raised.
 */
export const PIPE_BLOCK = 4096;

export function padToBlock(bytes: Buffer, format: 'png' | 'jpeg' | 'bmp', block = PIPE_BLOCK): Buffer {
  const overhead = { png: 12, jpeg: 4, bmp: 0 }[format];
  let pad = (block - ((bytes.length + overhead) % block)) % block;
  if (format === 'jpeg' && pad + 2 > 0xffff) pad = 0; // cannot happen with a 4 KiB block; a segment holds 65533 bytes
  switch (format) {
    case 'png':
      return padPng(bytes, pad);
    case 'jpeg':
      return padJpeg(bytes, pad);
    case 'bmp':
      return padBmp(bytes, pad);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The IEND chunk is the last 12 bytes of a PNG: length 0, type, CRC. */
const IEND_LENGTH = 12;

function padPng(png: Buffer, pad: number): Buffer {
  if (png.length < PNG_SIGNATURE.length + IEND_LENGTH || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return png;
  const iendAt = png.length - IEND_LENGTH;
  if (png.toString('latin1', iendAt + 4, iendAt + 8) !== 'IEND') return png;
  const chunk = Buffer.alloc(12 + pad);
  chunk.writeUInt32BE(pad, 0);
  chunk.write('paDd', 4, 'latin1');
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + pad)), 8 + pad);
  return Buffer.concat([png.subarray(0, iendAt), chunk, png.subarray(iendAt)]);
}

function padJpeg(jpeg: Buffer, pad: number): Buffer {
  if (jpeg.length < 2 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  const comment = Buffer.alloc(4 + pad, 0x20);
  comment[0] = 0xff;
  comment[1] = 0xfe;
  comment.writeUInt16BE(2 + pad, 2); // a segment's length counts its own two bytes
  return Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]);
}

function padBmp(bmp: Buffer, pad: number): Buffer {
  if (bmp.length < 14 || bmp.toString('latin1', 0, 2) !== 'BM') return bmp;
  const out = Buffer.concat([bmp, Buffer.alloc(pad)]);
  out.writeUInt32LE(out.length, 2);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** PNG's CRC-32 (ISO 3309) over a chunk's type and data. */
export function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
