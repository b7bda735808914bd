import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecs, requestCodec } from '../../protocols/codec.ts';
import { parseTopic, topic } from '../../protocols/contract.ts';
import { generateProtocolDocs } from '../../protocols/generate-docs.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('topics', () => {
  it('builds and parses every topic the same way', () => {
    expect(parseTopic(topic.agentState('agent-a'))).toEqual({ name: 'agentState', agentId: 'agent-a' });
    expect(parseTopic(topic.heartbeat('agent-a'))).toEqual({ name: 'heartbeat', agentId: 'agent-a' });
    expect(parseTopic(topic.deviceHealth('agent-a', 'cam-1'))).toEqual({ name: 'deviceHealth', agentId: 'agent-a', deviceId: 'cam-1' });
    expect(parseTopic(topic.command('agent-a'))).toEqual({ name: 'command', agentId: 'agent-a' });
    expect(parseTopic(topic.commandResult('agent-a'))).toEqual({ name: 'commandResult', agentId: 'agent-a' });
    expect(parseTopic(topic.slot('studio-a/cam-wide'))).toEqual({ name: 'slot', slotId: 'studio-a/cam-wide' });
    expect(parseTopic(topic.controllerState())).toEqual({ name: 'controllerState' });
    expect(parseTopic('onair/v1/controller/requests/failover')).toEqual({ name: 'request', op: 'failover' });
  });

  it('rejects topics outside the contract', () => {
    for (const t of [
      'onair/v2/agents/a/state',
      'onair/v1/agents/a',
      'onair/v1/agents/a/devices/b/health/x',
      'other/v1/agents/a/state',
      'onair/v1/controller/requests',
    ]) {
      expect(parseTopic(t)).toBeUndefined();
    }
  });
});

describe('payload validation', () => {
  const health = {
    status: 'ok',
    checks: [{ name: 'ping', status: 'ok', latencyMs: 1 }],
    metrics: { t: 40 },
    consecutiveFailures: 0,
    ts: 1,
    seq: 0,
    session: 1,
    driver: 'simulated',
  };

  it('accepts a valid payload', () => {
    expect(codecs.deviceHealth.decode(Buffer.from(JSON.stringify(health)))).toEqual({ ok: true, value: health });
  });

  it('explains what is wrong with an invalid payload', () => {
    expect(codecs.deviceHealth.decode('{not json')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(codecs.deviceHealth.decode(JSON.stringify({ ...health, status: 'great' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^\/status/),
    });
    expect(codecs.deviceHealth.decode(JSON.stringify({ ...health, extra: 1 }))).toMatchObject({ ok: false });
    expect(
      codecs.command.decode(JSON.stringify({ id: 'c', device: 'bad/id', action: 'x', params: {}, ttlMs: 1, issuedBy: 'me' })),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/^\/device/) });
  });

  it('validates request envelopes per operation', () => {
    const failover = requestCodec('failover');
    expect(failover.decode(JSON.stringify({ transaction: 't', params: { slot: 'studio-a/cam', reason: 'test' } })).ok).toBe(true);
    expect(failover.decode(JSON.stringify({ transaction: 't', params: { slot: 'studio-a/cam' } }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/reason/),
    });
  });

  it('refuses to encode a payload that breaks the contract', () => {
    expect(() => codecs.heartbeat.encode({ session: -1, ts: 0, uptimeMs: 0 })).toThrow(/invalid payload/);
  });
});

describe('published contract', () => {
  it('docs/protocol.md and docs/schemas are generated from the current schemas (run npm run protocol:docs)', () => {
    for (const file of generateProtocolDocs()) {
      expect(readFileSync(path.join(root, file.path), 'utf8'), file.path).toBe(file.content);
    }
  });
});

describe('payloadBound', () => {
  it('is the topic’s bound from the contract, the operation’s for requests, none outside the contract', async () => {
    const { payloadBound, TOPICS, requestMaxBytes } = await import('../../protocols/contract.ts');
    expect(payloadBound('onair/v1/agents/agent-a/devices/cam-1/health')).toBe(TOPICS.deviceHealth.maxBytes);
    expect(payloadBound('onair/v1/agents/agent-a/state')).toBe(TOPICS.agentState.maxBytes);
    expect(payloadBound('onair/v1/agents/agent-a/config')).toBe(TOPICS.desiredConfig.maxBytes);
    expect(payloadBound('onair/v1/users/eve/requests/profile.add')).toBe(requestMaxBytes('profile.add'));
    expect(
      payloadBound('onair/v1/controller/requests/status'),
      'the largest request: the controller answers one too big for its operation',
    ).toBe(requestMaxBytes('profile.add'));
    expect(payloadBound('elsewhere/topic')).toBeUndefined();
  });
});
