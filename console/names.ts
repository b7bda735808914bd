/**
 * What the studio calls its gear, on every line that names a device or a slot: the label from its
 * registration with its profile's model ("Wide camera — PTZOptics 20X-SDI Gen 2 (ONVIF)"), the id small beside
 * it; a device without a label is named by its id alone. Program sources by scene or input name.
 */
import type { DeviceSummary } from '../protocols/schemas.ts';
import type { Translate } from '../i18n/translator.ts';
import type { wall } from '../i18n/messages/wall.ts';
import { deviceLink, html, ref } from './html.ts';

type Ref = { agent: string; device: string };

/** "Wide camera — PTZOptics 20X-SDI Gen 2 (ONVIF)", "Wide camera", or undefined (no label: the id is the name). */
export function friendlyName(d: Pick<DeviceSummary, 'label' | 'model'> | undefined): string | undefined {
  if (!d?.label) return undefined;
  return d.model ? `${d.label} — ${d.model}` : d.label;
}

/** The label alone when there is one, else the id: for a sentence ("PROGRAM: Wide camera …"). */
export const shortName = (r: Ref, devices: Map<string, DeviceSummary>): string => devices.get(ref(r))?.label ?? ref(r);

/** A device's name as a link to its page: the friendly name, the id small beside it. */
export function DeviceName(p: { r: Ref; devices: Map<string, DeviceSummary> }) {
  const name = friendlyName(p.devices.get(ref(p.r)));
  return html`<a class="device-name" href=${deviceLink(p.r)}
    >${name ? html`<span class="label">${name}</span> <small class="id">${ref(p.r)}</small>` : ref(p.r)}</a
  >`;
}

/** `scene:Wide` → "scene Wide", `me:1/input:2` → "input 2", anything else as it is. */
export function sourceName(source: string, t: Translate<typeof wall>): string {
  const scene = /^scene:(.+)$/.exec(source);
  if (scene) return t('source.scene', { name: scene[1]! });
  const input = /^(?:me:[^/]+\/)?input:(.+)$/.exec(source);
  if (input) return t('source.input', { name: input[1]! });
  return source;
}
