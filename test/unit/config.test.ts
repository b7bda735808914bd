import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { configProblems } from '../support/config-problems.ts';

const drivers = builtInDrivers();

const problems = configProblems;

describe('agent config', () => {
  it('fills in defaults', () => {
    const config = parseAgentConfig(
      'agentId: a1\ndevices:\n  - id: cam-1\n    driver: simulated\n    options: { kind: camera }\n',
      'a.yaml',
      drivers,
    );
    expect(config.broker.url).toBe('mqtt://127.0.0.1:1883');
    expect(
      config.devices[0]!.probe,
      'the deadline is derived from the driver when the device starts (protocols/probe-deadline.ts)',
    ).toEqual({ intervalMs: 250 });
  });

  it('reports a misspelt field with file, line, column, path and the closest valid name', () => {
    const text =
      'agentId: a1\ndevices:\n  - id: cam-1\n    driver: simulated\n    probe:\n      intervalMS: 100\n    options: { kind: camera }\n';
    expect(problems(() => parseAgentConfig(text, 'agent.yaml', drivers))).toEqual([
      'agent.yaml:6:7: devices.0.probe.intervalMS: unknown field "intervalMS" (did you mean "intervalMs"?)',
    ]);
  });

  it('reports an unknown driver, and bad driver options, at their lines', () => {
    const text =
      'agentId: a1\ndevices:\n  - id: cam-1\n    driver: simulatd\n  - id: cam-2\n    driver: simulated\n    options:\n      kind: projector\n';
    expect(problems(() => parseAgentConfig(text, 'agent.yaml', drivers))).toEqual([
      'agent.yaml:4:5: devices.0.driver: must be one of "simulated", "visca", "shure", "dmx", "onvif", "firmata", "obs", "atem", "stream" (did you mean "simulated"?)',
      'agent.yaml:8:7: devices.1.options.kind: must be one of "camera", "mic", "light"',
    ]);
  });

  it('reports a missing required field and a YAML syntax error', () => {
    expect(problems(() => parseAgentConfig('devices: []\n', 'a.yaml', drivers))).toEqual(['a.yaml:1:1: agentId: is required']);
    expect(problems(() => parseAgentConfig('agentId: [a\n', 'a.yaml', drivers))[0]).toMatch(/^a\.yaml:\d+:\d+: \(top level\): YAML syntax/);
  });

  it('rejects duplicate device ids', () => {
    const text =
      'agentId: a1\ndevices:\n  - { id: x, driver: simulated, options: { kind: mic } }\n  - { id: x, driver: simulated, options: { kind: mic } }\n';
    expect(problems(() => parseAgentConfig(text, 'a.yaml', drivers))[0]).toMatch(/device id "x" appears twice/);
  });
});

describe('controller config', () => {
  it('points a config that still lists slots at onair slot add', () => {
    expect(problems(() => parseControllerConfig('onAir: false\nslots:\n  - id: studio-a/cam\n', 'c.yaml'))).toEqual([
      'c.yaml:2:1: slots: unknown field "slots" (slots are now built from registered devices: onair slot add studio/slot --primary DEVICE --backup DEVICE)',
    ]);
  });

  it('refuses PostgreSQL with the embedded broker (the pair must share a broker), naming the line', () => {
    expect(problems(() => parseControllerConfig('onAir: false\npostgres:\n  url: postgresql://onair@db/onair\n', 'c.yaml'))).toEqual([
      'c.yaml:2:1: postgres: controllers sharing PostgreSQL must share an external broker: the embedded one stops with its controller (set broker.embedded: false and broker.url (Mosquitto, EMQX))',
    ]);
    const ok = parseControllerConfig(
      'name: ctl-a\nbroker: { embedded: false, url: mqtt://broker:1883 }\npostgres: { url: postgresql://onair@db/onair, passwordFile: pg.password }\n',
      'c.yaml',
    );
    expect(ok.postgres).toEqual({ url: 'postgresql://onair@db/onair', passwordFile: 'pg.password' });
    expect(problems(() => parseControllerConfig('broker: { embedded: false }\npostgres: { url: mysql://x }\n', 'c.yaml'))[0]).toMatch(
      /^c\.yaml:2:\d+: postgres\.url/,
    );
    // The standby listens on the shared broker too: without its address the pair cannot run.
    expect(
      problems(() => parseControllerConfig('broker: { embedded: false }\npostgres: { url: postgresql://onair@db/onair }\n', 'c.yaml')),
    ).toEqual([
      'c.yaml:2:1: postgres: controllers sharing PostgreSQL need broker.url: the external broker they share (set broker.embedded: false and broker.url (Mosquitto, EMQX))',
    ]);
  });
});
