/**
 * The console wall with its layouts, and the Arrange mode (issue 24): an engineer orders a studio's
 * tiles, sizes them and hides some, for their own wall or for a named screen (a kiosk at
 * `/console/wall?kiosk&screen=<name>`). Every change is a button or a menu, operable from the keyboard:
 * no drag-only interaction. The wall shows the draft as it is edited; Save stores it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { LayoutTile, TileSize } from '../protocols/wall-operations.ts';
import { common } from '../i18n/messages/common.ts';
import { kiosk } from '../i18n/messages/kiosk.ts';
import { ask, may } from './api.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { layoutsByStudio } from './kiosk.ts';
import { Wall, type WallProps } from './wall.ts';
import { SIZES, changeTile, draftOf, moveTile, studioKey } from './wall-layout.ts';

const tileName = (id: string): string => id.slice(id.indexOf('/') + 1);

interface PanelProps {
  studios: string[];
  studio: string;
  onStudio(studio: string): void;
  screen: string;
  onScreen(screen: string): void;
  draft: LayoutTile[];
  onDraft(draft: LayoutTile[]): void;
  onSave(tiles: LayoutTile[]): void;
  onClose(): void;
  note: string;
}

function ArrangePanel(p: PanelProps) {
  const t = useT(kiosk);
  const tc = useT(common);
  return html`<section class="arrange-panel" aria-label=${t('arrange.title')}>
    <h2>${t('arrange.title')}</h2>
    <div class="arrange-owner">
      <label
        >${t('arrange.studio')}
        <select class="arrange-studio" value=${p.studio} onChange=${(e: Event) => p.onStudio((e.target as HTMLSelectElement).value)}>
          ${p.studios.map((s) => html`<option value=${s}>${s === '' ? t('studio.none') : s}</option>`)}
        </select></label
      >
      <label
        >${t('arrange.screen')}
        <input
          class="arrange-screen"
          value=${p.screen}
          placeholder=${t('arrange.screenHint')}
          pattern="[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}"
          onChange=${(e: Event) => p.onScreen((e.target as HTMLInputElement).value.trim())}
      /></label>
    </div>
    <ol class="arrange-tiles">
      ${p.draft.map((tile, i) => {
        const name = tileName(tile.id);
        return html`<li key=${tile.id} data-tile=${tile.id} class=${tile.hidden ? 'hidden' : ''}>
          <span class="arrange-name">${name}</span>
          ${tile.hidden ? html`<em class="arrange-hidden">${t('arrange.hidden')}</em>` : null}
          <button
            class="earlier"
            aria-label=${t('arrange.earlierLabel', { tile: name })}
            disabled=${i === 0}
            onClick=${() => p.onDraft(moveTile(p.draft, i, -1))}
          >
            ${t('arrange.earlier')}
          </button>
          <button
            class="later"
            aria-label=${t('arrange.laterLabel', { tile: name })}
            disabled=${i === p.draft.length - 1}
            onClick=${() => p.onDraft(moveTile(p.draft, i, 1))}
          >
            ${t('arrange.later')}
          </button>
          <select
            class="size"
            aria-label=${t('arrange.sizeLabel', { tile: name })}
            value=${tile.size}
            onChange=${(e: Event) => p.onDraft(changeTile(p.draft, tile.id, { size: (e.target as HTMLSelectElement).value as TileSize }))}
          >
            ${SIZES.map((s) => html`<option value=${s}>${t(`size.${s}`)}</option>`)}
          </select>
          <button
            class="hide-toggle"
            aria-pressed=${tile.hidden ? 'true' : 'false'}
            onClick=${() => p.onDraft(changeTile(p.draft, tile.id, { hidden: !tile.hidden }))}
          >
            ${tile.hidden ? t('arrange.show') : t('arrange.hide')}
          </button>
        </li>`;
      })}
    </ol>
    <div class="arrange-actions">
      <button class="save" onClick=${() => p.onSave(p.draft)}>${tc('button.save')}</button>
      <button class="reset" onClick=${() => p.onSave([])}>${t('arrange.reset')}</button>
      <button class="close" onClick=${p.onClose}>${tc('button.close')}</button>
      ${p.note ? html`<span class="arrange-note" role="status">${p.note}</span>` : null}
    </div>
  </section>`;
}

/** The console's wall, arranged by the person's own layouts, with the Arrange mode for those who may save one. */
export function ArrangedWall(p: WallProps) {
  const t = useT(kiosk);
  const f = useFormats();
  const [arranging, setArranging] = useState(false);
  const [screen, setScreen] = useState('');
  const [saved, setSaved] = useState(new Map<string, LayoutTile[]>());
  const [studio, setStudio] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState<LayoutTile[] | undefined>(undefined);
  const [note, setNote] = useState('');

  useEffect(() => {
    setDraft(undefined);
    void ask('wall.layout.get', screen ? { screen } : {}).then(
      // No layout and none before: the same state, so a 500-tile wall is not drawn again for nothing.
      (r) => setSaved((old) => (r.layouts.length === 0 && old.size === 0 ? old : layoutsByStudio(r.layouts))),
      () => setSaved((old) => (old.size === 0 ? old : new Map())),
    );
  }, [screen]);

  const studios = [...new Set(p.status.slots.map((s) => studioKey(s.slot)))].sort();
  const current = studio !== undefined && studios.includes(studio) ? studio : studios[0];
  const ids = p.status.slots.filter((s) => studioKey(s.slot) === current).map((s) => s.slot);
  const editing = arranging && current !== undefined ? (draft ?? draftOf(ids, saved.get(current))) : undefined;
  const layouts = editing && current !== undefined ? new Map(saved).set(current, editing) : saved;

  const save = async (tiles: LayoutTile[]) => {
    if (current === undefined) return;
    try {
      const r = await ask('wall.layout.set', { studio: current, tiles, ...(screen ? { screen } : {}) });
      setSaved((old) => {
        const next = new Map(old);
        if (r.layout) next.set(current, r.layout.tiles);
        else next.delete(current);
        return next;
      });
      setDraft(undefined);
      const time = f.time(r.layout?.updatedAt ?? Date.now());
      setNote(screen ? t('arrange.savedScreen', { name: screen, time }) : t('arrange.savedMine', { time }));
    } catch (err) {
      setNote(t('arrange.failed', { error: (err as Error).message }));
    }
  };
  const close = () => (setArranging(false), setDraft(undefined), setNote(''), setScreen(''));

  return html`<div class="arranged-wall">
    ${
      may('wall.layout.set') && studios.length > 0 && !arranging
        ? html`<div class="wall-tools">
            <button class="arrange-button" onClick=${() => setArranging(true)}>${t('arrange.open')}</button>
          </div>`
        : null
    }
    ${
      editing && current !== undefined
        ? html`<${ArrangePanel}
            studios=${studios}
            studio=${current}
            onStudio=${(s: string) => (setStudio(s), setDraft(undefined))}
            screen=${screen}
            onScreen=${setScreen}
            draft=${editing}
            onDraft=${setDraft}
            onSave=${(tiles: LayoutTile[]) => void save(tiles)}
            onClose=${close}
            note=${note}
          />`
        : null
    }
    <${Wall} ...${p} layouts=${layouts} />
  </div>`;
}
