#!/usr/bin/env node
// OnAir is written in TypeScript and compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

// An agent allocates little but steadily (a probe, a health message, a timer per device per period).
// V8 would still grow its young generation to 32 MB and let promoted garbage pile up before a full
// collection: an agent with 20 devices peaked above 80 MB RSS to settle near 67 MB. Keeping the young
// generation at its initial size costs more, tiny, scavenges. --max-semi-space-size is read only at
// start-up; the growth factor is read whenever V8 considers growing, so it can be set here — first,
// before any code is loaded. ONAIR_AGENT_DEFAULT_GC=1 turns it off.
if (process.argv[2] === 'agent' && process.env.ONAIR_AGENT_DEFAULT_GC !== '1') v8.setFlagsFromString('--semi-space-growth-factor=1');

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('onair: not built yet; run "npm install" (or "npm run build") in the OnAir folder first\n');
  process.exit(1);
}
await import(main.href);
