#!/usr/bin/env node
// Launcher: OnAir is written in TypeScript and runs through tsx's ESM loader,
// so `npm install` is the only build step on a fresh machine.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
