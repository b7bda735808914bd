/**
 * docs/alerting/alertmanager.md names every alertname OnAir sends and none it does not, and its example
 * alertmanager.yml passes Alertmanager's own check (`amtool check-config`, from Debian's package).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_NAMES } from '../../../controller/alerting/alertmanager/to-alertmanager.ts';

const DOC = 'docs/alerting/alertmanager.md';
const MARKER = '<!-- alertmanager.yml: checked by amtool';
const hasAmtool = spawnSync('amtool', ['--version'], { stdio: 'ignore' }).error === undefined;

/** The yaml block right after the marker. */
function exampleConfig(doc: string): string {
  const after = doc.slice(doc.indexOf(MARKER));
  const block = /```yaml\n([\s\S]*?)```/.exec(after);
  if (!block) throw new Error(`${DOC}: no yaml block after the amtool marker`);
  return block[1]!;
}

describe('the Alertmanager docs', () => {
  const doc = readFileSync(DOC, 'utf8');

  it('name every alertname OnAir sends, and no other', () => {
    const named = new Set(doc.match(/\bOnAir[A-Z][A-Za-z]+\b/g));
    expect([...named].sort()).toEqual(Object.values(ALERT_NAMES).sort());
  });

  it.skipIf(!hasAmtool)('show an alertmanager.yml that amtool check-config passes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-amtool-'));
    try {
      const file = path.join(dir, 'alertmanager.yml');
      writeFileSync(file, exampleConfig(doc));
      const run = spawnSync('amtool', ['check-config', file], { encoding: 'utf8', timeout: 30_000 });
      expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
