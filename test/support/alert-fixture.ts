/**
 * Alerts as the alert engine publishes them on the alerting bus (an agent that stopped answering; a
 * camera that went black and failed over), with a runbook and an incident, for tests of the parts that
 * take alerts. Checked against the schema, so a test's fixture cannot drift from the contract.
 */
import { Value } from '@sinclair/typebox/value';
import { Alert, AlertingSettings, type Incident, type Runbook } from '../../protocols/alerting.ts';

/** 2023-11-14 22:13:20 UTC. */
export const T0 = 1_700_000_000_000;

function checked(alert: Alert): Alert {
  const wrong = Value.Errors(Alert, alert).First();
  if (wrong) throw new Error(`not an Alert: ${wrong.path} ${wrong.message}`);
  return alert;
}

export function agentLostAlert(over: Partial<Alert> & Pick<Alert, 'id' | 'startsAt'>): Alert {
  return checked({
    key: 'agent-lost:agent-a',
    kind: 'agent-lost',
    severity: 'critical',
    state: 'firing',
    labels: { studio: 'studio-a', agent: 'agent-a' },
    summary: 'agent-a lost: 4 devices, 2 slots affected, all failed over',
    updatedAt: over.startsAt,
    count: 1,
    inhibits: [],
    events: [1],
    level: 0,
    incident: 1,
    ...over,
  });
}

/** cam-1 went black on air and OnAir failed over to cam-2, leaving no backup (critical, firing). */
export function cameraAlert(overrides: Partial<Alert> = {}): Alert {
  return checked({
    id: 7,
    key: 'failover:cam-main',
    kind: 'failover',
    severity: 'critical',
    state: 'firing',
    labels: { studio: 'studio-a', show: 'evening-news', slot: 'cam-main', agent: 'agent-a', device: 'cam-1', role: 'camera' },
    summary: 'cam-1 black — failed over to cam-2',
    detail: 'switched program to cam-2 in 0.4 s',
    startsAt: T0,
    updatedAt: T0,
    count: 1,
    inhibits: [],
    events: [41],
    level: 0,
    incident: 3,
    noBackupLeft: true,
    ...overrides,
  });
}

export const cameraRunbook: Runbook = {
  id: 'camera-black',
  kind: 'failover',
  role: 'camera',
  title: 'Camera picture black',
  markdown:
    '# Camera picture black\n\n1. Check the SDI cable at the camera.\n2. Spare camera: cupboard B2.\n3. Power-cycle the camera.\n4. Call the vendor: 400-800-1234.\n5. Write it up.',
  source: 'repository',
  updatedAt: T0,
};

export const cameraIncident: Incident = {
  id: 3,
  title: 'studio-a: cam-1 black',
  state: 'open',
  studio: 'studio-a',
  openedAt: T0,
  alerts: [7],
  people: [],
  notes: [],
  impactMs: 0,
};

/** The controller's alerting settings with their defaults, and `parts` over them. */
export function alertingSettings(parts: Partial<AlertingSettings> = {}): AlertingSettings {
  return { ...Value.Create(AlertingSettings), ...parts };
}
