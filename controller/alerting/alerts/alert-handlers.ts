/** The alert operations: `alert.list` and `alert.ack` answered by the AlertBook, `alert.take`/`alert.release` by ownership. */
import type { Handlers } from '../../requests.ts';
import type { AlertBook, AlertOps } from '../types.ts';
import type { AlertOwnership } from './ownership.ts';

export function alertHandlers(alerts: AlertBook, ownership: AlertOwnership): Pick<Handlers, AlertOps> {
  return {
    'alert.list': (p, by) => alerts.list(p, by),
    'alert.ack': (p, by) => alerts.ack(p, by),
    'alert.take': ownership.take,
    'alert.release': ownership.release,
  };
}
