/**
 * The console's one modal dialog, on the HTML <dialog> element opened with showModal(): it is drawn
 * in the browser's top layer, above every tile and never clipped by one (a 260 px tile used to have
 * the failover form spill over its neighbour), and the rest of the page is inert while it is open.
 *
 * Keyboard: focus moves into it (the first field, else the safe button: a destructive button is
 * never where focus lands, so a stray Enter cannot fire it), Tab and Shift+Tab cycle inside it, Esc
 * cancels, and focus goes back to the button that opened it. Its title labels it (aria-labelledby).
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { nextFocus } from './acting.ts';
import { html } from './html.ts';

const FOCUSABLE = 'select, input, textarea, button, a[href], [tabindex]:not([tabindex="-1"])';
const FIELDS = 'select, input, textarea';

let dialogs = 0;

const usable = (root: HTMLElement, selector: string): HTMLElement[] =>
  [...root.querySelectorAll<HTMLElement>(selector)].filter((e) => !(e as HTMLButtonElement).disabled && e.getClientRects().length > 0);

/** Focus on opening: the first field, else the button marked safe, else the first button that is not destructive. */
function initialFocus(dialog: HTMLElement): HTMLElement | undefined {
  return usable(dialog, FIELDS)[0] ?? usable(dialog, 'button.safe')[0] ?? usable(dialog, 'button:not(.danger)')[0];
}

export interface ModalProps {
  title: string;
  /** Esc, or the dialog closed by the browser: the caller unmounts it. */
  onCancel(): void;
  /** A class for the dialog element (its tests and styles find it by it). */
  class?: string;
  children: ComponentChildren;
}

export function Modal(p: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`dialog-title-${++dialogs}`).current;
  const onCancel = useRef(p.onCancel);
  onCancel.current = p.onCancel;
  const mounted = useRef(true);
  useLayoutEffect(() => {
    const dialog = ref.current!;
    // The opener, to give focus back to: showModal() moves focus, and the caller unmounts the dialog to close it.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    initialFocus(dialog)?.focus();
    return () => {
      mounted.current = false;
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const all = usable(ref.current!, FOCUSABLE);
    const next = nextFocus(all.length, all.indexOf(document.activeElement as HTMLElement), e.shiftKey);
    if (next < 0) return;
    e.preventDefault();
    all[next]!.focus();
  };
  // Esc fires `cancel`, then the browser closes the dialog (`close`); closing it on unmount is not a cancel.
  const onClose = () => void (mounted.current && onCancel.current());
  return html`<dialog ref=${ref} class=${`modal ${p.class ?? ''}`} aria-labelledby=${titleId} onKeyDown=${onKeyDown} onClose=${onClose}>
    <h2 id=${titleId}>${p.title}</h2>
    ${p.children}
  </dialog>`;
}
