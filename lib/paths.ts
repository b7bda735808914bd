import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The OnAir package folder, whether running from the sources or from dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the OnAir package folder');
    dir = parent;
  }
  return dir;
}

export const onairBin = (): string => path.join(packageRoot(), 'bin', 'onair.js');
