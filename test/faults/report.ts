/**
 * vitest global setup for `npm run faults`: when the run ends, docs/faults.md is generated from what
 * the fault files measured (.faults/*.json). A partial run (FAULT_RIGS, a -t filter, a failure that
 * left a file out) rewrites nothing, so the committed table is always one complete run.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';

interface MatrixRow {
  driver: string;
  fault: string;
  expect: string;
  detectedMs: number | null;
  recoveredMs: number | null;
  okMs: number | null;
  outputs: string;
}
interface Matrix {
  settings: { recoverAfterMs: number; detectBoundMs: number; recoverMarginMs: number; probe: string; repetitions: number };
  rows: MatrixRow[];
  footprint: {
    repetitions?: number;
    after10?: { rssMb: number; fds: number };
    afterAll?: { rssMb: number; fds: number };
    rssGrowthMb?: number;
    fdGrowth?: number;
  };
}
interface Fleet {
  cycles: number;
  phases: Array<{
    phase: string;
    cycles: number;
    caused: number | 'either';
    realFailures: number;
    failovers: number;
    manualSwitches: number;
    withoutFailure: number;
    slotDowns: number;
    unexplainedDowns: number;
    lost: number;
    duplicated: number;
  }>;
}
interface Pair {
  kills: number;
  takeover: { n: number; p50: number | null; p99: number | null; max: number | null; all: Array<{ how: string; ms: number }> };
  failoverAfterKill: { n: number; p50: number | null; p99: number | null };
  staleCommands: { sent: number; executed: number };
  hotStandby?: { takeovers: number; everyAgentHeard: number };
  phases: Fleet['phases'];
}
interface Fuzz {
  runs: number;
  targets: Array<{ target: string; runs: number; ms: number; heapGrowthMb: number | null; refused: number; accepted: number }>;
}

interface Outcome {
  failed: boolean;
}

const FILES = { matrix: '.faults/matrix.json', fleet: '.faults/fleet.json', fuzz: '.faults/fuzz.json' } as const;
let startedAt = 0;

export function setup(): () => void {
  startedAt = Date.now();
  return teardown;
}

function fresh(file: string): boolean {
  return existsSync(file) && statSync(file).mtimeMs >= startedAt;
}

function teardown(): void {
  const missing = Object.values(FILES).filter((f) => !fresh(f));
  if (missing.length > 0 || process.env.FAULT_RIGS) {
    process.stdout.write(
      `\ndocs/faults.md not rewritten: a partial run (${missing.length > 0 ? `no fresh ${missing.join(', ')}` : 'FAULT_RIGS'})\n`,
    );
    return;
  }
  const matrix = JSON.parse(readFileSync(FILES.matrix, 'utf8')) as Matrix & Outcome;
  const fleet = JSON.parse(readFileSync(FILES.fleet, 'utf8')) as Fleet & Outcome;
  const fuzz = JSON.parse(readFileSync(FILES.fuzz, 'utf8')) as Fuzz & Outcome;
  if (matrix.failed || fleet.failed || fuzz.failed) {
    process.stdout.write('\ndocs/faults.md not rewritten: the run failed\n');
    return;
  }
  // The pair run needs PostgreSQL and Mosquitto; without them its section is left out.
  const pairFile = '.faults/pair.json';
  const pair = fresh(pairFile) ? (JSON.parse(readFileSync(pairFile, 'utf8')) as Pair & Outcome) : undefined;
  if (pair?.failed) {
    process.stdout.write('\ndocs/faults.md not rewritten: the run failed\n');
    return;
  }
  writeFileSync('docs/faults.md', render(matrix, fleet, fuzz, pair));
  process.stdout.write('\ndocs/faults.md written from this run\n');
}

const ms = (v: number | null): string => (v === null ? '—' : `${v}`);

function pairSection(pair: Pair | undefined): string[] {
  if (!pair) return [];
  const t = pair.takeover;
  return [
    '## Two controllers on PostgreSQL',
    '',
    `The same show, run by two controllers sharing a PostgreSQL database and Debian's Mosquitto (each controller reaching PostgreSQL through its own TCP proxy, so its link can be cut without a FIN). Takeover: from the kill, pause or cut to the new leader's announcement on \`controller/state\`: p50 ${ms(t.p50)} ms, p99 ${ms(t.p99)} ms, max ${ms(t.max)} ms (n = ${t.n}). The leader and the live camera failing at once → the backup live: p50 ${ms(pair.failoverAfterKill.p50)} ms, p99 ${ms(pair.failoverAfterKill.p99)} ms (n = ${pair.failoverAfterKill.n}). Commands from a controller that no longer led: ${pair.staleCommands.sent} sent, ${pair.staleCommands.executed} carried out.${pair.hotStandby ? ` Hot standby: ${pair.hotStandby.everyAgentHeard} of ${pair.hotStandby.takeovers} new leaders took over a picture in which every agent had been heard (the first leader, started before any agent, counts as not).` : ''}`,
    '',
    '| phase | cycles | failures caused | real failures | automatic failovers | failovers without a failure | slot down (with a healthy member) | events lost | events duplicated |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...pair.phases.map(
      (p) =>
        `| ${p.phase} | ${p.cycles} | ${p.caused} | ${p.realFailures} | ${p.failovers} | ${p.withoutFailure} | ${p.slotDowns} (${p.unexplainedDowns}) | ${p.lost} | ${p.duplicated} |`,
    ),
    '',
  ];
}

function render(matrix: Matrix, fleet: Fleet, fuzz: Fuzz, pair?: Pair): string {
  const s = matrix.settings;
  const f = matrix.footprint;
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    '# Fault figures',
    '',
    `Generated by \`npm run faults\` on ${when} UTC (${os.cpus().length} CPUs, Node ${process.version}). Do not edit: run it again.`,
    '',
    '## Driver fault matrix',
    '',
    `Every driver against its simulator on its real transport (serial on pty pairs, TCP, HTTP), driven by one real agent process with the default probe (${s.probe}), the controller at \`recoverAfterMs\` ${s.recoverAfterMs} ms. Bounds: **detected within ${s.detectBoundMs} ms** of the fault; **recovered within recoverAfterMs + ${s.recoverMarginMs} ms** (${s.recoverAfterMs + s.recoverMarginMs} ms) of its end. "Recovered" is no longer failed; "ok" also waits out a profile rule on a count over the last minute (a VISCA camera that refused commands stays degraded until the burst is a minute old). Outputs are the levels, mute, preset and tallies OnAir set before the fault, read back from the device.`,
    '',
    'Expect: *failure* must be detected; *none* must not be (the device still answers); *either* is too short to promise; *n/a* is a fault the transport cannot have.',
    '',
    '| driver | fault | expect | detected (ms) | recovered (ms) | ok (ms) | outputs |',
    '|---|---|---|---:|---:|---:|---|',
    ...matrix.rows.map(
      (r) => `| ${r.driver} | ${r.fault} | ${r.expect} | ${ms(r.detectedMs)} | ${ms(r.recoveredMs)} | ${ms(r.okMs)} | ${r.outputs} |`,
    ),
    '',
    `Footprint over ${f.repetitions ?? s.repetitions} short faults per driver (all drivers at once, one agent): resident memory ${f.after10?.rssMb ?? '—'} MB after 10 → ${f.afterAll?.rssMb ?? '—'} MB after all (${f.rssGrowthMb ?? '—'} MB), file descriptors ${f.after10?.fds ?? '—'} → ${f.afterAll?.fds ?? '—'} (${f.fdGrowth ?? '—'}); outputs unchanged after the last.`,
    '',
    '## Fleet chaos on air',
    '',
    `A show on air with a camera slot (3 members) and a mic slot (2 members) over three agent processes, a plain MQTT client watching every OnAir topic; ${fleet.cycles} cycles of each kill. The counts are read from the controller's event log: a *real failure* is a live member declared failed or offline (caused by the phase, or by anything else — a probe missing its deadline on a loaded machine is as real to OnAir); a restart phase may cause none. Each real failure must end in exactly one failover (or, with no healthy member left, a slot down); events lost or duplicated are counted by event number against what the watcher received.`,
    '',
    '| phase | cycles | failures caused | real failures | automatic failovers | failovers without a failure | manual switches | slot down (with a healthy member) | events lost | events duplicated |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fleet.phases.map(
      (p) =>
        `| ${p.phase} | ${p.cycles} | ${p.caused} | ${p.realFailures} | ${p.failovers} | ${p.withoutFailure} | ${p.manualSwitches} | ${p.slotDowns} (${p.unexplainedDowns}) | ${p.lost} | ${p.duplicated} |`,
    ),
    '',
    'After every cycle the live member of each slot is the same in the controller, the retained slot topic and the store.',
    '',
    ...pairSection(pair),
    '## Fuzzing',
    '',
    `fast-check, ${fuzz.runs} inputs per target (\`npm test\` runs a few hundred of each). Properties: no exception escapes; a refused input leaves the state as it was; framers never hold more than one maximal frame; an accepted payload encodes back to itself. Heap growth is measured after a forced GC.`,
    '',
    '| target | inputs | refused | accepted | time (s) | heap growth (MB) |',
    '|---|---:|---:|---:|---:|---:|',
    ...fuzz.targets.map(
      (t) => `| ${t.target} | ${t.runs} | ${t.refused} | ${t.accepted} | ${(t.ms / 1000).toFixed(1)} | ${t.heapGrowthMb ?? '—'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
