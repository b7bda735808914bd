/**
 * A refusal of a people, studio, contact or duty change: the request is answered with this reason, in
 * English as the controller's other errors (words: i18n/messages/alerting-people.ts).
 */
import type { MessageKey } from '../../../i18n/define.ts';
import { alertingPeople } from '../../../i18n/messages/alerting-people.ts';
import type { Locale } from '../../../i18n/locales.ts';
import { translator } from '../../../i18n/translator.ts';

export type PeopleMessageId = MessageKey<typeof alertingPeople>;

/** What a refusal tells the person to type, as it is typed in every language. */
const TYPED: Partial<Record<PeopleMessageId, Record<string, string>>> = {
  unknownPerson: { command: 'onair person add' },
  unknownContact: { command: 'onair contact add' },
  unknownStudio: { command: 'onair studio set' },
  smsPhone: { option: '--phone' },
};

/** A refusal's words in one language, its values filled in. */
export function peopleMessage(id: PeopleMessageId, values: Record<string, string | number> = {}, locale: Locale = 'en'): string {
  return translator(alertingPeople, locale)(id, { ...TYPED[id], ...values });
}

export class PeopleRefusal extends Error {
  constructor(id: PeopleMessageId, values: Record<string, string | number> = {}) {
    super(peopleMessage(id, values));
  }
}
