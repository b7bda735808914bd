/** An alert, a runbook and an incident as the alerting parts hand them to the channels (tests of channels/). */
import { Value } from '@sinclair/typebox/value';
import { AlertingSettings, type Alert, type Incident, type Runbook } from '../../protocols/alerting.ts';

/** 2023-11-14 22:13:20 UTC. */
export const T0 = 1_700_000_000_000;

export function cameraAlert(overrides: Partial<Alert> = {}): Alert {
  return {
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
  };
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
