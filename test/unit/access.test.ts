import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe, roleAllows, userRequestTopic, type Identity } from '../../protocols/access.ts';
import { topic, userResponseTopic } from '../../protocols/contract.ts';

const agentA: Identity = { kind: 'agent', id: 'agent-a' };
const viewer: Identity = { kind: 'user', name: 'vic', role: 'viewer' };
const tech: Identity = { kind: 'user', name: 'tina', role: 'technician' };
const engineer: Identity = { kind: 'user', name: 'eve', role: 'engineer' };

describe('access rules', () => {
  it('an agent publishes only under its own agents/{id}/: state, heartbeat, its devices’ health, results, applied config', () => {
    for (const t of [
      topic.agentState('agent-a'),
      topic.heartbeat('agent-a'),
      topic.deviceHealth('agent-a', 'cam-1'),
      topic.commandResult('agent-a'),
      topic.appliedConfig('agent-a'),
    ])
      expect(mayPublish(agentA, t), t).toBe(true);
    for (const t of [
      topic.agentState('agent-b'), // another agent's death or birth
      topic.deviceHealth('agent-b', 'cam-2'),
      topic.command('agent-a'), // commands come from the controller only
      topic.command('agent-b'),
      topic.desiredConfig('agent-a'),
      topic.slot('studio-a/cam'),
      topic.controllerState(),
      topic.controllerEvents(),
      userRequestTopic('agent-a', 'failover'),
      'onair/v1/controller/requests/failover',
      'elsewhere/agents/agent-a/state',
      'onair/v1/agents/agent-a/devices/cam-1/health/extra',
      'onair/v1/agents/+/state',
    ])
      expect(mayPublish(agentA, t), t).toBe(false);
  });

  it('an agent subscribes to its own commands and config and the controller’s state, never with a wildcard', () => {
    for (const f of [topic.command('agent-a'), topic.desiredConfig('agent-a'), topic.controllerState()])
      expect(maySubscribe(agentA, f), f).toBe(true);
    for (const f of [
      topic.command('agent-b'),
      'onair/v1/agents/+/commands',
      'onair/v1/#',
      '#',
      'onair/v1/agents/agent-a/#',
      topic.controllerEvents(),
    ])
      expect(maySubscribe(agentA, f), f).toBe(false);
  });

  it('a person asks under their own name, for what their role allows; roles include those below them', () => {
    expect(mayPublish(viewer, userRequestTopic('vic', 'status'))).toBe(true);
    expect(mayPublish(viewer, userRequestTopic('vic', 'failover'))).toBe(false);
    expect(mayPublish(tech, userRequestTopic('tina', 'device.add'))).toBe(true);
    expect(mayPublish(tech, userRequestTopic('tina', 'on-air'))).toBe(false);
    expect(mayPublish(engineer, userRequestTopic('eve', 'failover'))).toBe(true);
    expect(mayPublish(engineer, userRequestTopic('vic', 'status')), 'in another user’s name').toBe(false);
    expect(mayPublish(engineer, userRequestTopic('eve', 'no.such-op'))).toBe(false);
    expect(mayPublish(engineer, 'onair/v1/controller/requests/failover'), 'the anonymous request topic').toBe(false);
    expect(mayPublish(engineer, topic.agentState('agent-a'))).toBe(false);
    expect(mayPublish(engineer, topic.command('agent-a')), 'no command straight to gear').toBe(false);
    expect(roleAllows('admin', 'failover')).toBe(true);
    expect(mayPublish(engineer, userRequestTopic('eve', 'agent.enrol')), 'enrolment is the admin’s').toBe(false);
    expect(mayPublish({ kind: 'user', name: 'ada', role: 'admin' }, userRequestTopic('ada', 'agent.enrol'))).toBe(true);
  });

  it('a person reads the fleet picture, events and responses, never an agent’s commands or desired config', () => {
    for (const f of [
      'onair/v1/controller/events',
      'onair/v1/controller/state',
      userResponseTopic('vic', '+'),
      userResponseTopic('vic', 'status'),
      'onair/v1/slots/#',
      'onair/v1/agents/+/state',
      'onair/v1/agents/+/devices/+/health',
    ])
      expect(maySubscribe(viewer, f), f).toBe(true);
    for (const f of [
      'onair/v1/#',
      '#',
      'onair/v1/agents/#',
      'onair/v1/agents/+/commands',
      topic.desiredConfig('agent-a'),
      'onair/v1/users/+/requests/+',
    ])
      expect(maySubscribe(viewer, f), f).toBe(false);
    // Answers to others (an admin's carry credentials), and the anonymous answers, are not theirs to read.
    for (const f of [
      userResponseTopic('eve', 'agent.enrol'),
      'onair/v1/users/+/responses/+',
      'onair/v1/controller/responses/+',
      'onair/v1/controller/responses/status',
    ])
      expect(maySubscribe(viewer, f), f).toBe(false);
  });

  it('the controller may do everything', () => {
    expect(mayPublish({ kind: 'controller' }, topic.command('agent-a'))).toBe(true);
    expect(maySubscribe({ kind: 'controller' }, 'onair/v1/#')).toBe(true);
  });
});
