/**
 * An event in words (pure, unit-tested): its type's name and a one-line description built from its
 * data, in the page's language (i18n/messages/events.ts). The who and where have their own columns.
 */
import type { ControllerEvent, EventTypeName } from '../protocols/events.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import type { common } from '../i18n/messages/common.ts';
import type { events } from '../i18n/messages/events.ts';

export interface EventWords {
  t: Translate<typeof events>;
  common: Translate<typeof common>;
  f: Pick<Formats, 'duration'>;
}

export const eventName = (type: EventTypeName, w: Pick<EventWords, 't'>): string => w.t(`type.${type}`);

const STATE_KEYS = new Set(['ok', 'degraded', 'failing_over', 'down', 'unknown', 'failed', 'offline']);
/** A device or slot state in words (common's state words); anything else as it is. */
const state = (s: string, w: EventWords): string => (STATE_KEYS.has(s) ? w.common(`state.${s}` as 'state.ok') : s);

function what(e: ControllerEvent, w: EventWords): string {
  const { t } = w;
  switch (e.type) {
    case 'agent.offline':
      return t('what.agentOffline', { agent: e.agent ?? '' });
    case 'agent.online':
      return t('what.agentOnline', { agent: e.agent ?? '' });
    case 'device.state': {
      const change = { from: state(e.data.from, w), to: state(e.data.to, w) };
      const down = e.data.to === 'failed' || e.data.to === 'offline';
      if (down && e.data.onAir === 'live') return t('what.deviceLive', change);
      if (down && e.data.onAir === 'backup') return t('what.deviceBackup', change);
      return t('what.stateChange', change);
    }
    case 'failover.started':
      return t('what.failoverStarted', { from: e.data.from, n: e.data.candidates.length });
    case 'failover.succeeded':
      return t('what.failoverSucceeded', { from: e.data.from, to: e.data.to, duration: w.f.duration(e.data.durationMs) });
    case 'failover.failed':
      return t('what.failoverFailed', { from: e.data.from, n: e.data.attempts.length });
    case 'slot.down':
      return t(e.data.onAir === false ? 'what.slotDownOffAir' : 'what.slotDownOnAir');
    case 'slot.state':
      return t('what.slotState', { from: state(e.data.from, w), to: state(e.data.to, w), live: e.data.active });
    case 'program.cut':
      return e.data.cut
        ? t('what.programCut', { switcher: e.data.switcher, from: e.data.from, to: e.data.to })
        : t('what.programLeft', { switcher: e.data.switcher });
    case 'stream.changed':
      return t(e.data.on ? 'what.streamOn' : 'what.streamOff');
    case 'stream.state':
      return t('what.streamState', { show: e.data.show, from: e.data.from, to: e.data.condition });
    case 'content.fault':
      return t(e.data.phase === 'started' ? 'what.contentStarted' : 'what.contentEnded', { role: e.data.role, fault: e.data.fault });
    case 'alarm.acked':
      return t('what.acked', { seq: e.data.seq, alarm: e.data.alarm });
    case 'onair.changed':
      return t(e.data.onAir ? 'what.onAir' : 'what.offAir');
    case 'controller.started':
      return t('what.controllerStarted', { version: e.data.version });
    case 'command.sent':
      return t('what.commandSent', { action: e.data.action });
    case 'command.result':
      return e.data.error
        ? t('what.commandError', { status: e.data.status, error: e.data.error })
        : t('what.commandResult', { status: e.data.status });
    case 'show.added':
    case 'show.cancelled':
    case 'preshow.started':
      return t('what.show', { show: e.data.show });
    case 'show.started':
      return t('what.showStarted', { title: e.data.title, studio: e.data.studio });
    case 'show.ended':
      return t('what.showEnded', { show: e.data.show, duration: w.f.duration(e.data.onAirMs) });
    case 'preshow.checklist':
      return e.data.go
        ? t('what.checklistGo', { show: e.data.show })
        : t('what.checklistNoGo', { show: e.data.show, n: e.data.notReady.length });
    case 'job.finished':
      return t('what.job', { job: e.data.job, kind: e.data.kind, state: e.data.state });
    case 'identity.changed':
      return t('what.identity', { name: e.data.name, change: e.data.change });
    case 'alert.raised':
    case 'alert.changed':
      return t('what.alert', { alert: e.data.alert, summary: e.data.summary });
    case 'alert.taken':
      return t('what.alertTaken', {
        alert: e.data.alert,
        who: e.data.person ?? e.by ?? '',
        from: e.data.from ? (e.data.from.person ?? e.data.from.login) : 'none',
      });
    case 'alert.released':
      return t('what.alertReleased', {
        alert: e.data.alert,
        who: e.data.person ?? e.by ?? '',
        held: w.f.duration(e.data.heldMs),
        comment: e.data.comment,
      });
    case 'alert.acked':
    case 'alert.escalated':
    case 'alert.resolved':
      return t('what.alertNumber', { alert: e.data.alert });
    case 'notification.sent':
      return t('what.notification', { contact: e.data.contact, channel: e.data.channel });
    case 'notification.failed':
      return t('what.notificationFailed', { contact: e.data.contact, channel: e.data.channel, error: e.data.error });
    case 'incident.opened':
      return t('what.incidentOpened', { incident: e.data.incident, title: e.data.title });
    case 'incident.noted':
    case 'incident.resolved':
      return t('what.incident', { incident: e.data.incident });
    case 'duty.changed':
      return t('what.duty', { studio: e.data.studio, person: e.data.person });
    case 'people.changed':
      return t('what.named', { name: e.data.id });
    case 'profile.added':
      return t('what.named', { name: e.data.profile });
    case 'schedule.added':
    case 'schedule.removed':
      return t('what.named', { name: e.data.schedule });
    case 'maintenance.due':
      return t('what.named', { name: e.data.check });
    default:
      return '';
  }
}

/** The description, with the reason the controller gave (in its own words: it is recorded, not composed here). */
export function describeEvent(e: ControllerEvent, w: EventWords): string {
  const text = what(e, w);
  // Some reasons already say it all (an alarm's is its message); a description is never repeated.
  if (!e.reason || e.type === 'alarm.acked') return text || (e.reason ?? '');
  return text ? w.t('what.withReason', { what: text, reason: e.reason }) : e.reason;
}

/** Where: the slot, else agent/device, else the agent. */
export const whereOf = (e: ControllerEvent): string => e.slot ?? (e.device ? `${e.agent}/${e.device}` : (e.agent ?? ''));
