/** Event log fixtures for the report's tests, each checked against its type's schema, so they cannot drift from the real events. */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EVENT_SCHEMAS, type EventOf, type EventTypeName } from '../../protocols/events.ts';

/** `ev(ts, type, rest)`: a log entry at T0 + ts, numbered in the order made, as the controller writes it. */
export function eventFixtures(T0: number) {
  let seq = 0;
  return function ev<T extends EventTypeName>(ts: number, type: T, over: Omit<EventOf<T>, 'seq' | 'ts' | 'type'>): EventOf<T> {
    const e = { seq: ++seq, ts: T0 + ts, type, ...over } as EventOf<T>;
    const check = TypeCompiler.Compile(EVENT_SCHEMAS[type]);
    if (!check.Check(e))
      throw new Error(`fixture ${type} is not a valid event: ${[...check.Errors(e)].map((x) => `${x.path} ${x.message}`).join('; ')}`);
    return e;
  };
}
