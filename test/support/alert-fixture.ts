/**
 * An alert as the alert engine publishes it on the alerting bus (an agent that stopped answering,
 * firing, critical), for tests of the parts that take alerts. Checked against the schema, so a test's
 * fixture cannot drift from the contract.
 */
import { Value } from '@sinclair/typebox/value';
import { Alert } from '../../protocols/alerting.ts';

export function agentLostAlert(over: Partial<Alert> & Pick<Alert, 'id' | 'startsAt'>): Alert {
  const alert: Alert = {
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
  };
  const wrong = Value.Errors(Alert, alert).First();
  if (wrong) throw new Error(`not an Alert: ${wrong.path} ${wrong.message}`);
  return alert;
}
