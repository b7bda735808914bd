/**
 * Checks against a driver's facts, in words a technician reads: a device's connection options, and
 * what an action is sent (a slot member's activate parameters, a self-test step's). The CLI checks
 * before it sends, and the controller checks again — any MQTT client can register gear.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { closest } from '../../lib/yaml-config.ts';
import type { DriverSpec } from './spec.ts';
import type { EquipmentProfile } from '../profile.ts';

type Params = Record<string, unknown>;
type Step = EquipmentProfile['selfTest'][number];

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
const checker = (schema: TSchema): TypeCheck<TSchema> => {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  return check;
};

/** Problems of a value against an object schema: unknown fields with the closest known name, missing ones, wrong ones. */
function problems(schema: TSchema, value: unknown, what: string): string[] {
  const check = checker(schema);
  if (check.Check(value)) return [];
  const known = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const messages = [...check.Errors(value)].map((e) => {
    const field = e.path.split('/').filter(Boolean).join('.') || `(${what})`;
    const key = field.split('.')[0]!;
    if (!known.includes(key) && key !== `(${what})`) {
      const near = closest(key, known);
      return `${field}: unknown ${what === 'options' ? 'option' : 'parameter'}${near ? ` (did you mean "${near}"?)` : known.length ? ` (${what === 'options' ? 'options' : 'parameters'}: ${known.join(', ')})` : ' (it takes none)'}`;
    }
    return `${field}: ${e.value === undefined ? 'is required' : e.message}`;
  });
  return [...new Set(messages)]; // a missing field is reported as missing and as the wrong type: once is enough
}

/** A device's options (driver defaults filled in) against its driver. */
export function optionProblems(spec: Pick<DriverSpec, 'optionsSchema'>, options: Record<string, unknown>): string[] {
  return problems(spec.optionsSchema, Value.Default(spec.optionsSchema, structuredClone(options)), 'options');
}

/** What an action would be sent, against what it takes — and, for a name, against the device's options. */
export function actionProblems(
  spec: Pick<DriverSpec, 'name' | 'actions' | 'actionParams' | 'optionsSchema'>,
  action: string,
  params: Record<string, unknown>,
  options: Record<string, unknown>,
): string[] {
  if (!spec.actions.includes(action)) return [`the ${spec.name} driver has no action "${action}"`];
  const taken = spec.actionParams[action];
  if (!taken?.params) return [];
  const found = problems(taken.params, params, 'params').map((p) => `${action}: ${p}`);
  const filled = Value.Default(spec.optionsSchema, structuredClone(options)) as Record<string, unknown>;
  for (const [param, optionKey] of Object.entries(taken.namedIn ?? {})) {
    const value = params[param];
    if (value === undefined) continue;
    const names = Object.keys((filled[optionKey] as Record<string, unknown> | undefined) ?? {});
    if (!names.includes(String(value)))
      found.push(`${action}: ${param} "${String(value)}" is not one of its ${optionKey}: ${names.join(', ') || 'none configured'}`);
  }
  return found;
}

/** A self-test step's parameters for one unit: the unit's values replace the step's of the same name. */
export function stepParams(step: Pick<Step, 'params'>, testParams: Params = {}): Params {
  const params: Params = { ...step.params };
  for (const key of Object.keys(params)) if (Object.hasOwn(testParams, key)) params[key] = testParams[key];
  return params;
}

/** A unit of a profile: its options, and every self-test step with the unit's test parameters. */
export function unitProblems(
  spec: DriverSpec,
  profile: Pick<EquipmentProfile, 'selfTest'>,
  options: Params,
  testParams: Params = {},
): string[] {
  const found = optionProblems(spec, options);
  const used = new Set<string>();
  for (const step of profile.selfTest) {
    for (const key of Object.keys(step.params ?? {})) used.add(key);
    if (step.action !== undefined)
      found.push(
        ...actionProblems(spec, step.action, stepParams(step, testParams), options).map((p) => `self-test step "${step.name}": ${p}`),
      );
  }
  for (const key of Object.keys(testParams)) {
    if (!used.has(key))
      found.push(`test parameter "${key}" is used by no self-test step (they take: ${[...used].join(', ') || 'nothing'})`);
  }
  return found;
}
