/** The alert operations (`alert.list`, `alert.ack`), answered by the AlertBook. */
import type { Handlers } from '../../requests.ts';
import type { AlertBook, AlertOps } from '../types.ts';

export function alertHandlers(alerts: AlertBook): Pick<Handlers, AlertOps> {
  return {
    'alert.list': (p, by) => alerts.list(p, by),
    'alert.ack': (p, by) => alerts.ack(p, by),
  };
}
