import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

describe('architecture', () => {
  // Every rule docs/architecture.md ("Layering rules") states: agent and controller apart; the contract, the
  // libraries and the simulators beneath them; no production code loading simulators, CLI or tests.
  it.each([
    ['agent', 'controller'],
    ['controller', 'agent'],
    ['protocols', 'agent'],
    ['protocols', 'controller'],
    ['protocols', 'cli'],
    ['lib', 'agent'],
    ['lib', 'controller'],
    ['lib', 'protocols'],
    ['lib', 'cli'],
    ['agent', 'simulators'],
    ['controller', 'simulators'],
    ['protocols', 'simulators'],
    ['lib', 'simulators'],
    ['agent', 'cli'],
    ['controller', 'cli'],
    ['simulators', 'agent'],
    ['simulators', 'controller'],
    ['simulators', 'cli'],
    // The CLI is a front end: only bin/ (and the tests of the CLI itself) load it. The contract's client
    // (client/) is what the CLI, the harness, the bench and the tests share.
    ...['client', 'studio-harness', 'bench'].map((d) => [d, 'cli']),
    ['client', 'controller'],
    ['client', 'agent'],
    ...['agent', 'controller', 'protocols', 'lib', 'simulators', 'cli', 'client', 'studio-harness'].map((d) => [d, 'test']),
    // The harness the demo, the tests and the bench share: no product code loads it, and it does not
    // load the demo, so the demo is free to change.
    ...['agent', 'controller', 'protocols', 'lib', 'simulators', 'client'].map((d) => [d, 'studio-harness']),
    ['studio-harness', 'cli/demo'],
    ['test', 'cli/demo'],
    ['bench', 'cli/demo'],
    // The controller's rooms (docs/architecture.md): the decision-making core never reaches the HTTP side,
    // and the store keeps rows without knowing the fleet's logic.
    ['controller/fleet', 'controller/http'],
    ['controller/failover', 'controller/http'],
    ['controller/store', 'controller/fleet'],
    ['controller/store', 'controller/failover'],
    ['controller/store', 'controller/http'],
    ['controller/broker', 'controller/http'],
    ['controller/plan', 'controller/http'],
    ['controller/pair', 'controller/http'],
    ['controller/identity', 'controller/http'],
    ['controller/alerting', 'controller/http'],
    // The message catalogue is loaded by the page, the controller and the CLI alike: it loads none of them.
    ...['agent', 'controller', 'protocols', 'lib', 'cli', 'simulators', 'client', 'console', 'studio-harness', 'test'].map((d) => [
      'i18n',
      d,
    ]),
  ])('%s/ never imports %s/', (from, forbidden) => {
    const offenders = sources(path.join(root, from)).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith(path.join(root, forbidden) + path.sep))
        .map((target) => `${path.relative(root, file)} → ${path.relative(root, target)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the controller in rooms, its wiring at its root, and nothing of it reaches http/ (the HTTP side starts on its face: controller/http/attach.ts)', () => {
    const controller = path.join(root, 'controller');
    const rooms = readdirSync(controller).filter((name) => statSync(path.join(controller, name)).isDirectory());
    expect(rooms.sort()).toEqual(['alerting', 'broker', 'failover', 'fleet', 'http', 'identity', 'pair', 'plan', 'store']);
    const http = path.join(controller, 'http') + path.sep;
    const offenders = sources(controller)
      .filter((file) => !file.startsWith(http))
      .flatMap((file) =>
        importsOf(file)
          .filter((t) => t.startsWith(http))
          .map((t) => `${path.relative(root, file)} → ${path.relative(root, t)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps source files under ~400 lines', () => {
    const long = ['agent', 'controller', 'protocols', 'lib', 'cli', 'client', 'simulators', 'studio-harness', 'bench']
      .flatMap((d) => sources(path.join(root, d)))
      .map((f) => [path.relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 420);
    expect(long).toEqual([]);
  });
});
