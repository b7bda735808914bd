/**
 * How `onair simulate <driver>` runs a simulator by hand: each simulator module exports a `launch`
 * (start it on its real transport, say how an agent reaches it), and simulators/index.ts files it
 * under its driver's name.
 */
import type { PtyPair } from '../lib/serial/pty-pair.ts';

/** The command line's choices; each simulator reads those that concern it. */
export interface SimulateOptions {
  /** VISCA camera address (1-7). */
  address: number;
  /** TCP, HTTP, WebSocket or UDP port; 0 for a free one. */
  port: number;
  fault: string;
  model: string;
}

export interface RunningSimulator {
  /** What runs where, and the agent config that reaches it. */
  description: string;
  stop(): Promise<void>;
}

export type SimulatorLaunch = (options: SimulateOptions) => Promise<RunningSimulator>;

/** A choice the simulator does not know: the command line reports it in one line. */
export class UnknownChoice extends Error {
  override name = 'UnknownChoice';
}

/** `value` as one of `choices` (a fault, a model), checked before anything starts. */
export function chosen<T extends string>(what: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UnknownChoice(`unknown ${what} "${value}"; one of ${choices.join(', ')}`);
  return value as T;
}

/** A serial device on a new pty pair: the device opens one end, the agent config names the other. */
export async function onPtyPair(
  open: (devicePath: string) => Promise<{ stop(): Promise<void> }>,
  describe: (agentPath: string, method: PtyPair['method']) => string,
): Promise<RunningSimulator> {
  const { createPtyPair } = await import('../lib/serial/pty-pair.ts'); // loaded by the serial simulators only
  const pair = await createPtyPair();
  const device = await open(pair.b);
  return {
    description: describe(pair.a, pair.method),
    stop: async () => {
      await device.stop();
      await pair.close();
    },
  };
}
