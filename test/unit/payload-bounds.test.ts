import { describe, expect, it } from 'vitest';
import { MqttFrameScanner } from '../../lib/mqtt-frame-limit.ts';
import { silentLogger } from '../../lib/logger.ts';
import { MAX_NESTING, codecs, nestingDepth } from '../../protocols/codec.ts';
import { RequestRouter, type Handlers } from '../../controller/requests.ts';

describe('MQTT frame scanner', () => {
  it('reads Remaining Length as the spec encodes it [MQTT-2.2.3, Table 2.4]', () => {
    // PINGREQ: C0 00. PUBLISH with a Remaining Length of 321 = 0xC1 0x02 (the spec's example: 65 + 2 × 128).
    const scanner = new MqttFrameScanner(400);
    expect(scanner.push(Buffer.from([0xc0, 0x00]))).toBeUndefined();
    const publish = Buffer.concat([Buffer.from([0x30, 0xc1, 0x02]), Buffer.alloc(321, 0x41)]);
    expect(scanner.push(publish)).toBeUndefined();
    expect(scanner.push(Buffer.from([0xc0, 0x00]))).toBeUndefined(); // still in step after the body
  });

  it('follows packets split anywhere, header bytes included', () => {
    const scanner = new MqttFrameScanner(400);
    const stream = Buffer.concat([Buffer.from([0x30, 0xc1, 0x02]), Buffer.alloc(321), Buffer.from([0xc0, 0x00, 0xe0, 0x00])]);
    for (const byte of stream) expect(scanner.push(Buffer.from([byte]))).toBeUndefined();
  });

  it('refuses a packet over the limit from its header alone, and a five-byte length as malformed', () => {
    // 16,384 = 0x80 0x80 0x01 (Table 2.4): over a 16,000-byte limit before any of the body arrives.
    expect(new MqttFrameScanner(16_000).push(Buffer.from([0x30, 0x80, 0x80, 0x01]))).toBe(16_384);
    // 268,435,455 = FF FF FF 7F is the largest length there is.
    expect(new MqttFrameScanner(1_000).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toBeGreaterThan(1_000);
    expect(new MqttFrameScanner(Number.MAX_SAFE_INTEGER).push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(Infinity);
  });
});

describe('payload bounds', () => {
  it('measures nesting without parsing, ignoring brackets inside strings', () => {
    expect(nestingDepth(Buffer.from('{"a":[1,{"b":2}]}'))).toBe(3);
    expect(nestingDepth(Buffer.from('{"a":"[[[[{{{{","b":"\\"[["}'))).toBe(1);
    expect(nestingDepth(Buffer.from('[]'.repeat(1000)))).toBe(1);
  });

  it('refuses a payload that nests too deep or is too large before parsing it', () => {
    const deep = `{"online":true,"session":1,"ts":1,"hostname":${'['.repeat(MAX_NESTING + 1)}${']'.repeat(MAX_NESTING + 1)}}`;
    expect(codecs.agentState.decode(deep)).toEqual({ ok: false, reason: `payload nests deeper than ${MAX_NESTING} levels` });
    expect(codecs.heartbeat.decode(Buffer.alloc(70_000, 0x20))).toEqual({
      ok: false,
      reason: 'payload of 70000 bytes is over the 65536-byte limit',
    });
  });
});

describe('request router', () => {
  const router = (handlers: Partial<Handlers>, answers: Array<{ op: string; body: unknown; user?: string }>) =>
    new RequestRouter({
      handlers: handlers as Handlers,
      respond: (op, payload, user) => answers.push({ op, body: JSON.parse(payload.toString()), ...(user ? { user } : {}) }),
      log: silentLogger(),
      onInvalid: () => undefined,
    });

  it('answers with an error when its own answer breaks the contract, instead of throwing', async () => {
    const answers: Array<{ op: string; body: unknown }> = [];
    // A status whose agent id came from a bad stored row: it cannot be encoded.
    const bad = {
      onAir: false,
      showsOnAir: [],
      agents: [{ agent: 'é', online: true, session: 1, lastSeenAt: null }],
      devices: [],
      slots: [],
      counters: {},
    };
    await router({ status: () => bad }, answers).handle('status', Buffer.from('{"transaction":"t","params":{}}'));
    expect(answers).toEqual([
      {
        op: 'status',
        body: {
          transaction: 't',
          status: 'error',
          error: expect.stringMatching(/^the controller could not encode its answer: .*\/data\/agents\/0\/agent: /),
        },
      },
    ]);
  });

  it('answers an unknown operation on its own response topic, naming the known ones', async () => {
    const answers: Array<{ op: string; body: unknown }> = [];
    await router({}, answers).handle('faillover', Buffer.from('{"transaction":"t2","params":{}}'));
    expect(answers[0]).toMatchObject({
      op: 'faillover',
      body: {
        transaction: 't2',
        status: 'error',
        error: expect.stringContaining('unknown operation "faillover" (did you mean "failover"?); operations: status, failover'),
      },
    });
  });

  it('refuses an enrolment to a client without a login (its answer would be readable by anyone), and answers a login on its own topic', async () => {
    const answers: Array<{ op: string; body: unknown; user?: string }> = [];
    let enrolled = 0;
    const handlers: Partial<Handlers> = {
      'agent.enrol': (p) => ((enrolled += 1), { id: p.id, username: `agent/${p.id}`, credential: 'x'.repeat(43) }),
    };
    await router(handlers, answers).handle('agent.enrol', Buffer.from('{"transaction":"t3","params":{"id":"agent-z"}}'));
    expect(answers[0]).toEqual({
      op: 'agent.enrol',
      body: { transaction: 't3', status: 'error', error: '"agent.enrol" needs a login with the admin role' },
    });
    expect(enrolled).toBe(0);
    await router(handlers, answers).handle('agent.enrol', Buffer.from('{"transaction":"t4","params":{"id":"agent-z"}}'), 'ada');
    expect(answers[1]).toMatchObject({
      op: 'agent.enrol',
      user: 'ada',
      body: { transaction: 't4', status: 'ok', data: { id: 'agent-z' } },
    });
    expect(enrolled).toBe(1);
  });
});
