#!/usr/bin/env node
// OnAir is written in TypeScript and compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('onair: not built yet; run "npm install" (or "npm run build") in the OnAir folder first\n');
  process.exit(1);
}
await import(main.href);
