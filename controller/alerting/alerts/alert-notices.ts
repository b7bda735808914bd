/**
 * Telling people about an alert: one notification request per contact point of each person a level
 * names, queued (the NotificationQueue stores it first, then sends); the incident names everyone told.
 */
import { ESCALATION_LEVELS, type Alert, type Person } from '../../../protocols/alerting.ts';
import type { AlertingCore, Directory, IncidentBook, NotificationQueue } from '../types.ts';

export class AlertNotices {
  constructor(private readonly d: { core: AlertingCore; directory: Directory; incidents: IncidentBook; queue: NotificationQueue }) {}

  /** Who each level (0: responsible) names for these labels at `at`. */
  recipients(labels: Alert['labels'], at: number): (level: number) => readonly Person[] {
    return (level) => this.d.directory.recipients(ESCALATION_LEVELS[level]!, labels, at);
  }

  tell(alert: Alert, people: readonly Person[], reason: 'firing' | 'escalated' | 'resolved', level: number): void {
    const { queue, incidents, core } = this.d;
    if (people.length === 0 && reason !== 'resolved')
      core.log.warn(
        { alert: alert.id, key: alert.key, studio: alert.labels.studio },
        'nobody is named for this alert: name the studio’s people (onair studio set)',
      );
    for (const person of people) {
      for (const contact of person.contacts)
        queue.enqueue({ alert: alert.id, incident: alert.incident, person: person.id, contact, level: ESCALATION_LEVELS[level]!, reason });
      if (reason !== 'resolved') incidents.involve(alert.incident, person.id, core.clock.now());
    }
  }

  /** `resolved` to everyone the levels reached so far name, once each. */
  tellResolved(alert: Alert): void {
    const recipients = this.recipients(alert.labels, this.d.core.clock.now());
    const told = new Set<string>();
    for (let level = 0; level <= alert.level; level += 1) {
      const people = recipients(level).filter((p) => !told.has(p.id));
      people.forEach((p) => told.add(p.id));
      this.tell(alert, people, 'resolved', level);
    }
  }
}
