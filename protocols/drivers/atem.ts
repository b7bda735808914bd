/**
 * The `atem` driver's options, actions and metrics: Blackmagic ATEM switchers (Mini, Television
 * Studio, Constellation …) over UDP 9910, through atem-connection.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

export const AtemOptions = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'switcher IP address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 9910 }),
    /** Deadline of one command's acknowledgement, and of a take showing on program. */
    requestTimeoutMs: Type.Integer({ minimum: 50, maximum: 10_000, default: 500 }),
    /**
     * How a take reaches program: `program-input` changes the program input directly (a cut);
     * `preview-cut` puts the input on preview and cuts, as a director's panel does (the old program
     * input is left on preview).
     */
    cutWith: Type.Union([Type.Literal('program-input'), Type.Literal('preview-cut')], { default: 'program-input' }),
  },
  { additionalProperties: false },
);
export type AtemOptions = Static<typeof AtemOptions>;

export const ATEM_ACTIONS = ['activate', 'standby', 'cut', 'auto', 'program-take'] as const;

const me = Type.Optional(Type.Integer({ minimum: 1, maximum: 8, description: 'mix effect bus, from 1 (default 1)' }));

export const atemSpec = driverSpec({
  name: 'atem',
  programSource: 'input',
  requestDeadline: (o) => ({ field: 'requestTimeoutMs', ms: Number(o.requestTimeoutMs) }),
  optionsSchema: AtemOptions,
  actions: ATEM_ACTIONS,
  actionParams: {
    activate: NO_PARAMS,
    standby: NO_PARAMS,
    cut: takes({ input: Type.Integer({ minimum: 1, maximum: 65535, description: 'input to take to program' }), me }),
    auto: takes({ me }),
    // The failover engine's take, as for every switcher: program sources `[me:<m>/]input:<n>`.
    'program-take': takes({ to: Type.String({ minLength: 1 }), from: Type.Optional(Type.String({ minLength: 1 })) }),
  },
  stateMetrics: ['programInput', 'previewInput', 'programInputMe.*'],
  metrics: {
    model: 'product name the switcher reports (_pin)',
    protocolVersion: 'ATEM protocol version, major.minor (_ver)',
    programInput: 'input on program, M/E 1',
    previewInput: 'input on preview, M/E 1',
    'programInputMe.*': 'input on program of M/E n (2 and up)',
    powerSupplies: 'power supplies the model has',
    powerSuppliesFailed: 'power supplies reporting no power (Powr)',
  },
});
