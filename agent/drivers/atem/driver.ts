/**
 * The `atem` driver: a Blackmagic ATEM as the program switcher. Health per probe: the switcher
 * acknowledges a time request within its deadline (a hung or unplugged unit fails here, not after
 * the library's 5 s session timeout), model and protocol version, program and preview per M/E, and
 * its power supplies. A take is confirmed by the switcher reporting the new program input.
 */
import { atemSpec } from '../../../protocols/drivers/atem.ts';
import type { HealthCheck, Params } from '../../../protocols/schemas.ts';
import type { DriverDefinition, ProbeResult } from '../../driver.ts';
import { decideProgramTake } from '../program-take.ts';
import { AtemSession } from './session.ts';
import { checkMixEffect, inputOf, metricsOf } from './vocabulary.ts';

export type { AtemOptions } from '../../../protocols/drivers/atem.ts';

export function createAtemDriver(): DriverDefinition<typeof atemSpec.optionsSchema> {
  return {
    ...atemSpec,
    create({ options }) {
      const session = new AtemSession({ host: options.host, port: options.port, requestTimeoutMs: options.requestTimeoutMs });
      const program = (me: number): number | undefined => session.state?.video.mixEffects[me]?.programInput;
      const preview = (me: number): number | undefined => session.state?.video.mixEffects[me]?.previewInput;

      /** Takes `input` to program on `me` (0-based) the way the profile says, confirmed by the switcher. */
      const take = async (me: number, input: number, signal: AbortSignal): Promise<number> => {
        checkMixEffect(session.state, me);
        if (options.cutWith === 'preview-cut' && program(me) !== input) {
          await session.send('change preview', (a) => a.changePreviewInput(input, me), signal);
          await session.until(
            (s) => s.video.mixEffects[me]?.previewInput === input,
            `the ATEM did not put input ${input} on preview of M/E ${me + 1} (does it have that input?)`,
            signal,
          );
          await session.send('cut', (a) => a.cut(me), signal);
        } else {
          await session.send('change program', (a) => a.changeProgramInput(input, me), signal);
        }
        await session.until(
          (s) => s.video.mixEffects[me]?.programInput === input,
          `the ATEM did not take input ${input} to program on M/E ${me + 1} (does it have that input?)`,
          signal,
        );
        return input;
      };

      return {
        connect: (signal) => session.connect(signal),

        async probe(signal): Promise<ProbeResult> {
          if (!session.isConnected) {
            return {
              status: 'offline',
              checks: [
                {
                  name: 'connection',
                  status: 'offline',
                  latencyMs: 0,
                  detail: `not connected${session.lastLoss ? `: ${session.lastLoss}` : ''} (reconnecting)`,
                },
              ],
              metrics: {},
            };
          }
          const started = performance.now();
          await session.send('time request', (a) => a.requestTime(), signal);
          const latencyMs = Math.round((performance.now() - started) * 10) / 10;
          const state = session.state;
          if (!state) throw new Error('the ATEM session ended during the probe');
          const metrics = metricsOf(state);
          const checks: HealthCheck[] = [{ name: 'connection', status: 'ok', latencyMs }];
          const failed = Number(metrics.powerSuppliesFailed);
          if (failed > 0)
            checks.push({
              name: 'power',
              status: 'degraded',
              latencyMs: 0,
              detail: `${failed} of ${String(metrics.powerSupplies)} power supplies report no power`,
            });
          return { status: checks.some((c) => c.status === 'degraded') ? 'degraded' : 'ok', checks, metrics };
        },

        async execute(action, params, signal) {
          const me = typeof params.me === 'number' ? params.me - 1 : 0;
          switch (action) {
            case 'activate':
            case 'standby':
              // A switcher is ready when it answers; it keeps airing what it airs.
              await session.send('time request', (a) => a.requestTime(), signal);
              return { data: { ready: true, program: program(0) ?? null } };
            case 'cut':
              return { data: { cut: true, program: await take(me, Number(params.input), signal) } };
            case 'auto': {
              checkMixEffect(session.state, me);
              const next = preview(me);
              await session.send('auto transition', (a) => a.autoTransition(me), signal);
              if (next !== undefined)
                await session.until(
                  (s) => s.video.mixEffects[me]?.programInput === next,
                  `the ATEM did not finish the transition to input ${next}`,
                  signal,
                );
              return { data: { program: program(me) ?? null } };
            }
            case 'program-take':
              return { data: await programTake(String(params.to), params.from === undefined ? undefined : String(params.from), signal) };
            default:
              throw new Error(`atem has no action "${action}"`);
          }
        },

        close: () => session.close(),
      };

      /** The failover's take (see program-take.ts): `from` and `to` on one M/E. */
      async function programTake(toText: string, fromText: string | undefined, signal: AbortSignal): Promise<Params> {
        const to = inputOf(toText);
        const from = fromText === undefined ? undefined : inputOf(fromText);
        if (from && from.me !== to.me) throw new Error(`${fromText} and ${toText} are on different M/E buses`);
        checkMixEffect(session.state, to.me);
        const now = program(to.me);
        const decision = decideProgramTake({ program: now, preview: preview(to.me) }, from?.input);
        if (decision.cut) return { cut: true, from: `input:${now}`, program: `input:${await take(to.me, to.input, signal)}` };
        if (decision.movePreview) await session.send('change preview', (a) => a.changePreviewInput(to.input, to.me), signal);
        return { cut: false, program: `input:${now}`, previewMoved: decision.movePreview };
      }
    },
  };
}
