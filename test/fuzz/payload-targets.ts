/**
 * Every MQTT payload codec (each topic, each request and each response) and the topic parser, fed
 * what any MQTT client could publish. Properties: decoding never throws; a refusal has a reason; an
 * accepted payload encodes and decodes back to itself; a topic's ids obey the id rule.
 */
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import { expect } from 'vitest';
import { codecs, requestCodec, responseCodec, type PayloadCodec } from '../../protocols/codec.ts';
import {
  OPERATIONS,
  TOPICS,
  parseTopic,
  requestSchema,
  responseSchema,
  type OperationName,
  type TopicName,
} from '../../protocols/contract.ts';
import { ID_PATTERN, SLOT_ID_PATTERN } from '../../protocols/schemas.ts';
import { payloadBytes, type Hints } from './arbitraries.ts';
import type { FuzzTarget, Verdict } from './target.ts';

function codecTarget(name: string, codec: PayloadCodec<TSchema>, schema: TSchema, hints: Hints): FuzzTarget<Buffer> {
  return {
    name,
    input: payloadBytes(schema, hints),
    check(bytes): Verdict {
      const decoded = codec.decode(bytes);
      if (!decoded.ok) {
        expect(decoded.reason.length, 'a refusal says why').toBeGreaterThan(0);
        return 'refused';
      }
      const again = codec.decode(codec.encode(decoded.value));
      expect(again.ok, 'an accepted payload encodes back').toBe(true);
      expect(JSON.stringify(again.ok && again.value)).toBe(JSON.stringify(decoded.value));
      return 'accepted';
    },
  };
}

export function payloadTargets(hints: Hints = {}): FuzzTarget<Buffer>[] {
  const topics = (Object.keys(TOPICS) as TopicName[]).map((name) =>
    codecTarget(`payload: ${name}`, codecs[name] as unknown as PayloadCodec<TSchema>, TOPICS[name].schema, hints),
  );
  const ops = Object.keys(OPERATIONS) as OperationName[];
  const requests = ops.map((op) =>
    codecTarget(`request: ${op}`, requestCodec(op) as unknown as PayloadCodec<TSchema>, requestSchema(op), hints),
  );
  const responses = ops.map((op) =>
    codecTarget(`response: ${op}`, responseCodec(op) as unknown as PayloadCodec<TSchema>, responseSchema(op), hints),
  );
  return [...topics, ...requests, ...responses];
}

const ID = new RegExp(ID_PATTERN);
const SLOT_ID = new RegExp(SLOT_ID_PATTERN);
const level = fc.oneof(
  fc.constantFrom(
    'onair',
    'v1',
    'agents',
    'devices',
    'health',
    'state',
    'heartbeat',
    'commands',
    'results',
    'config',
    'applied',
    'slots',
    'controller',
    'requests',
    'responses',
    'events',
    'status',
    'cam-1',
    '',
    '+',
    '#',
    '..',
    'é',
    'a b',
    '_x',
    '$SYS',
  ),
  fc.string({ maxLength: 80, unit: 'grapheme' }),
  fc.constantFrom(65, 70, 10_000).map((n) => 'a'.repeat(n)),
);

export const topicTarget: FuzzTarget<string> = {
  name: 'topic parser',
  input: fc.oneof(
    fc
      .tuple(
        fc.constantFrom('onair/v1/', 'onair/v1/agents/', 'onair/v1/slots/', 'onair/v1/controller/', ''),
        fc.array(level, { maxLength: 7 }),
      )
      .map(([prefix, levels]) => prefix + levels.join('/')),
    // OnAir's own topic shapes with any ids in them.
    fc
      .tuple(
        fc.constantFrom(
          'agents/%/state',
          'agents/%/heartbeat',
          'agents/%/devices/%/health',
          'agents/%/config/applied',
          'slots/%/%',
          'slots/%',
          'controller/requests/%',
          'controller/responses/%',
        ),
        level,
        level,
      )
      .map(([shape, a, b]) => `onair/v1/${shape.replace('%', a).replace('%', b)}`),
    fc
      .tuple(
        fc.constantFrom('agents/%/state', 'agents/%/devices/%/health', 'slots/%/%', 'controller/requests/%'),
        fc.stringMatching(ID),
        fc.stringMatching(ID),
      )
      .map(([shape, a, b]) => `onair/v1/${shape.replace('%', a).replace('%', b)}`),
  ),
  check(mqttTopic): Verdict {
    const parsed = parseTopic(mqttTopic);
    if (!parsed || parsed.name === 'invalid') {
      if (parsed) expect(parsed.reason.length).toBeGreaterThan(0);
      return 'refused';
    }
    if ('agentId' in parsed) expect(parsed.agentId).toMatch(ID);
    if ('deviceId' in parsed) expect(parsed.deviceId).toMatch(ID);
    if ('slotId' in parsed) expect(parsed.slotId).toMatch(SLOT_ID);
    if ('op' in parsed) expect(parsed.op).toMatch(ID);
    return 'accepted';
  },
};
