/** Client ids bound to identities (protocols/access.ts): the rule both brokers' tests rely on, edge by edge. */
import { describe, expect, it } from 'vitest';
import { clientIdFor, clientIdOwner, mayUseClientId, parseLoginName, standbyUsername, type Identity } from '../../protocols/access.ts';

const agentB: Identity = { kind: 'agent', id: 'agent-b' };
const agentB2: Identity = { kind: 'agent', id: 'agent-b2' };
const eve: Identity = { kind: 'user', name: 'eve', role: 'engineer' };
const controller: Identity = { kind: 'controller', name: 'ctl-a' };

describe('client ids', () => {
  it('an identity owns its base id and base:anything, never a longer name that starts like it', () => {
    expect(mayUseClientId(agentB, 'onair-agent-agent-b')).toBe(true);
    expect(mayUseClientId(agentB, 'onair-agent-agent-b:test')).toBe(true);
    expect(mayUseClientId(agentB, 'onair-agent-agent-b2')).toBe(false);
    expect(mayUseClientId(agentB2, 'onair-agent-agent-b')).toBe(false);
    expect(mayUseClientId(agentB, 'onair-agent-agent-b-')).toBe(false);
    expect(mayUseClientId(eve, 'onair-user-eve:cli-1')).toBe(true);
    expect(mayUseClientId(eve, 'onair-user-eve2')).toBe(false);
    expect(mayUseClientId(eve, 'onair-agent-eve')).toBe(false);
    expect(mayUseClientId(eve, 'onair-controller')).toBe(false);
    expect(mayUseClientId(agentB, 'anything-else')).toBe(false);
    expect(mayUseClientId(controller, 'onair-controller')).toBe(true);
    expect(mayUseClientId(controller, 'onair-controller:standby-ctl-a-1234')).toBe(true);
    expect(mayUseClientId(controller, 'onair-controllerx')).toBe(false);
    expect(mayUseClientId(controller, 'onair-agent-agent-b')).toBe(false);
  });

  it('gives each process an id its login may use, and names the owner of an id for the log', () => {
    expect(clientIdFor('eve', 'cli-1')).toBe('onair-user-eve:cli-1');
    expect(clientIdFor('agent/agent-b', 'test')).toBe('onair-agent-agent-b:test');
    expect(clientIdFor('controller/ctl-a/standby', 'standby-x')).toBe('onair-controller:standby-x');
    expect(clientIdFor(undefined, 'cli-1')).toBe('onair-cli-1');
    expect(clientIdOwner('onair-agent-agent-b2')).toBe('agent agent-b2');
    expect(clientIdOwner('onair-user-vic:panel')).toBe('user vic');
    expect(clientIdOwner('onair-controller:standby-a')).toBe('controller');
    expect(clientIdOwner('mqttx_1234')).toBe('nobody');
  });

  it('a controller seat’s standby session logs in as controller/<name>/standby, the same controller', () => {
    expect(standbyUsername('controller/ctl-a')).toBe('controller/ctl-a/standby');
    expect(standbyUsername('site-user')).toBe('site-user');
    expect(standbyUsername(undefined)).toBeUndefined();
    expect(parseLoginName('controller/ctl-a/standby')).toEqual({ kind: 'controller', name: 'ctl-a' });
    expect(parseLoginName('agent/agent-b')).toEqual({ kind: 'agent', name: 'agent-b' });
    expect(parseLoginName('eve')).toEqual({ kind: 'user', name: 'eve' });
  });
});
