/** Checks a device's merged connection options against its driver's own schema. */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { closest } from '../lib/yaml-config.ts';
import { DRIVER_SPECS } from '../protocols/drivers/index.ts';

export async function checkDriverOptions(driver: string, options: Record<string, unknown>): Promise<string[]> {
  const schema = DRIVER_SPECS.get(driver)?.optionsSchema;
  if (!schema) return [`no driver "${driver}"`];
  const value = Value.Default(schema, structuredClone(options));
  const check = TypeCompiler.Compile(schema);
  if (check.Check(value)) return [];
  const known = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const messages = [...check.Errors(value)].map((e) => {
    const field = e.path.split('/').filter(Boolean).join('.') || '(options)';
    const key = field.split('.')[0]!;
    if (!known.includes(key)) {
      const near = closest(key, known);
      return `${field}: unknown option${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    return `${field}: ${e.value === undefined ? 'is required' : e.message}`;
  });
  return [...new Set(messages)]; // a missing field is reported as missing and as the wrong type: once is enough
}
