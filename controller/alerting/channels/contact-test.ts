/**
 * `contact.test`: sends a test notification to one contact point NOW (not through the queue, so an
 * engineer setting up a webhook sees at once whether it works) and answers what the receiver said.
 */
import type { Handlers } from '../../requests.ts';
import type { ContactSender, Directory, MessageComposer } from '../types.ts';
import { createMessageComposer } from './compose.ts';

export function contactTestHandler(
  directory: Pick<Directory, 'contact'>,
  sender: ContactSender,
  composer: MessageComposer = createMessageComposer(),
  consoleUrl: () => string | undefined = () => undefined,
): Pick<Handlers, 'contact.test'> {
  return {
    'contact.test': async ({ id }) => {
      const contact = directory.contact(id);
      if (!contact) throw new Error(`no contact point "${id}"`);
      const url = consoleUrl();
      const message = composer.compose({ reason: 'test', locale: contact.locale ?? 'zh-CN', ...(url && { consoleUrl: url }) });
      const receipt = await sender.send(contact, message);
      return receipt.ok ? { sent: true, ms: receipt.ms } : { sent: false, ms: receipt.ms, error: receipt.error };
    },
  };
}
