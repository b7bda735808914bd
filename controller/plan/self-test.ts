/**
 * Runs a device's self-test from its equipment profile, step by step: the step's action (if any)
 * through the agent like any command, then fresh readings (the agent's built-in `probe`) until the
 * expected health and metrics show up or the step's time is up. Intrusive steps are skipped when
 * the caller says so or the device is protected (on air); the caller decides what "protected" means.
 */
import type { Clock } from '../../lib/clock.ts';
import { errorMessage, sleep } from '../../lib/timeout.ts';
import { PayloadCodec } from '../../protocols/codec.ts';
import { TOPICS } from '../../protocols/contract.ts';
import { stepParams } from '../../protocols/drivers/checks.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import { SEVERITY } from '../../protocols/health-rules.ts';
import type { SelfTestReport } from '../../protocols/registry-operations.ts';
import { ProbeReport, type CommandResult, type DeviceRef, type DeviceStatus, type Metrics, type Params } from '../../protocols/schemas.ts';

export interface SelfTestDependencies {
  clock: Clock;
  command: (ref: DeviceRef, action: string, params: Params, timeoutMs: number) => Promise<CommandResult>;
  /** Why intrusive steps must not run on this device now, or undefined. */
  protectedReason: (ref: DeviceRef) => string | undefined;
  /** Pause between readings while waiting for an expectation. */
  pollMs?: number;
}

type Step = EquipmentProfile['selfTest'][number];
type Expectation = NonNullable<Step['expect']>[number];
type StepResult = SelfTestReport['steps'][number];

/** Checks the data of a `probe` result (it arrived inside a command result, already bounded). */
const probeReport = new PayloadCodec(ProbeReport, TOPICS.commandResult.maxBytes);

export class SelfTestRunner {
  constructor(private readonly d: SelfTestDependencies) {}

  async run(
    ref: DeviceRef,
    profile: EquipmentProfile,
    options: { intrusive: boolean; helpers?: Readonly<Record<string, DeviceRef>>; testParams?: Params },
  ): Promise<SelfTestReport> {
    const startedAt = this.d.clock.now();
    const steps: StepResult[] = [];
    let failed = false;
    for (const step of profile.selfTest) {
      // After a failed step the rest are not meaningful (the device may be stuck mid-move), so they are skipped.
      const observed = step.observe ? options.helpers?.[step.observe] : ref;
      const skip = failed
        ? 'an earlier step failed'
        : !observed
          ? `no ${step.observe} helper is registered for this device (onair device add … --helper ${step.observe}=DEVICE)`
          : step.intrusive
            ? this.intrusiveBlock(ref, options.intrusive)
            : undefined;
      if (skip) {
        steps.push({ name: step.name, status: 'skipped', intrusive: step.intrusive, detail: skip, durationMs: 0 });
        continue;
      }
      const result = await this.runStep(ref, observed!, { ...step, params: stepParams(step, options.testParams) });
      steps.push(result);
      if (result.status === 'failed') failed = true;
    }
    return {
      agent: ref.agent,
      device: ref.device,
      profile: `${profile.profile}@${profile.version}`,
      result: failed ? 'failed' : 'passed',
      steps,
      startedAt,
      durationMs: this.d.clock.now() - startedAt,
    };
  }

  private intrusiveBlock(ref: DeviceRef, allowed: boolean): string | undefined {
    return this.d.protectedReason(ref) ?? (allowed ? undefined : 'intrusive steps were not allowed for this run');
  }

  /** The action goes to the device; the readings come from `observed` (the device, or its helper). */
  private async runStep(ref: DeviceRef, observed: DeviceRef, step: Step): Promise<StepResult> {
    const started = this.d.clock.now();
    const deadline = started + step.timeoutMs;
    const done = (status: 'passed' | 'failed', detail?: string): StepResult => ({
      name: step.name,
      status,
      intrusive: step.intrusive,
      ...(detail ? { detail } : {}),
      durationMs: this.d.clock.now() - started,
    });
    if (step.action) {
      const result = await this.d
        .command(ref, step.action, step.params ?? {}, step.timeoutMs)
        .catch((err: unknown) => errorResult(ref, err, this.d.clock.now()));
      if (result.status !== 'succeeded')
        return done('failed', `${step.action}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    }
    // Then the device must show the expected health: readings until it does or the step's time is up.
    let last: string;
    do {
      const remaining = deadline - this.d.clock.now();
      const answer = await this.d
        .command(observed, 'probe', {}, Math.max(remaining, 100))
        .catch((err: unknown) => errorResult(observed, err, this.d.clock.now()));
      if (answer.status === 'succeeded') {
        const reading = probeReport.validate(answer.data);
        if (!reading.ok) return done('failed', `the agent's probe answer is malformed: ${reading.reason}`);
        const verdict = judge(step, reading.value.status, reading.value.metrics, reading.value.checks);
        if (verdict === undefined) return done('passed');
        last = observed === ref ? verdict : `${observed.agent}/${observed.device} (${step.observe}): ${verdict}`;
      } else {
        last = `probe: ${answer.status}${answer.error ? ` (${answer.error})` : ''}`;
      }
      if (this.d.clock.now() + (this.d.pollMs ?? 200) >= deadline) break;
      await sleep(this.d.pollMs ?? 200);
    } while (this.d.clock.now() < deadline);
    return done('failed', `${last} (after ${this.d.clock.now() - started} ms)`);
  }
}

/** Undefined when the reading meets the step; otherwise what is wrong, in a technician's words. */
export function judge(
  step: Pick<Step, 'expectStatus' | 'expect'>,
  status: DeviceStatus,
  metrics: Metrics,
  checks: Array<{ name: string; status: DeviceStatus; detail?: string }>,
): string | undefined {
  const wanted = step.expectStatus ?? 'ok';
  if (SEVERITY[status] > SEVERITY[wanted]) {
    const bad = checks.find((c) => c.status !== 'ok');
    return `health is ${status}, expected ${wanted}${bad ? `: ${bad.name}: ${bad.detail ?? bad.status}` : ''}`;
  }
  for (const e of step.expect ?? []) {
    const problem = unmet(e, metrics[e.metric]);
    if (problem) return problem;
  }
  return undefined;
}

function unmet(e: Expectation, value: Metrics[string] | undefined): string | undefined {
  if (value === undefined) return `${e.metric} was not reported`;
  const n = typeof value === 'number' ? value : undefined;
  if (e.above !== undefined && !(n !== undefined && n > e.above)) return `${e.metric} is ${String(value)}, expected above ${e.above}`;
  if (e.below !== undefined && !(n !== undefined && n < e.below)) return `${e.metric} is ${String(value)}, expected below ${e.below}`;
  if (e.equals !== undefined && value !== e.equals) return `${e.metric} is ${String(value)}, expected ${String(e.equals)}`;
  if (e.within !== undefined && !(n !== undefined && Math.abs(n - e.within.of) <= e.within.tolerance)) {
    return `${e.metric} is ${String(value)}, expected ${e.within.of} ± ${e.within.tolerance}`;
  }
  return undefined;
}

function errorResult(ref: DeviceRef, err: unknown, ts: number): CommandResult {
  return { id: '-', device: ref.device, status: 'failed', error: errorMessage(err), ts };
}
