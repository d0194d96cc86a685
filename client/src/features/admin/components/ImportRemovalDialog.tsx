import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { ImportResultDto } from '@idm/contracts';

/** What a replace import would remove, named as the admin knows it (the ids secondary). */
export interface RemovalNames {
  /** Device id → name. */
  devices: ReadonlyMap<string, string>;
  /** Sensor id → description (and device name, for tags of devices that stay). */
  tags: ReadonlyMap<string, string>;
  /** Asset id → name. */
  assets: ReadonlyMap<string, string>;
}

/** Longer lists are cut here with a count of the rest: a replace of a whole plant must not fill the screen. */
const SHOWN = 12;

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** `2 devices, 16 tags and 1 asset`: the counts of a replace's removals, the empty kinds left out. */
export function removalCounts(r: Pick<ImportResultDto, 'removed_devices' | 'removed_tags' | 'removed_assets'>): string {
  const parts = [
    r.removed_devices.length ? plural(r.removed_devices.length, 'device') : '',
    r.removed_tags.length ? plural(r.removed_tags.length, 'tag') : '',
    r.removed_assets.length ? plural(r.removed_assets.length, 'asset') : '',
  ].filter(Boolean);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0] ?? '';
}

/**
 * Asks before a replace import removes what the file does not list: every device, tag and asset by its
 * name with the id beside it, counts per kind, Cancel focused (Enter or Escape on arrival changes nothing),
 * and a destructive button that says what it does. Replaces the browser's confirm() of raw ids.
 */
export function ImportRemovalDialog({ preview, names, onCancel, onConfirm }: { preview: ImportResultDto; names: RemovalNames; onCancel(): void; onConfirm(): void }) {
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
  };
  const section = (title: string, ids: string[], name: ReadonlyMap<string, string>) =>
    ids.length > 0 && (
      <section aria-label={title}>
        <h4>
          {title} ({ids.length})
        </h4>
        <ul>
          {ids.slice(0, SHOWN).map((x) => (
            <li key={x}>
              {name.get(x) ? (
                <>
                  {name.get(x)} <span className="muted">({x})</span>
                </>
              ) : (
                x
              )}
            </li>
          ))}
          {ids.length > SHOWN && <li className="muted">and {ids.length - SHOWN} more</li>}
        </ul>
      </section>
    );
  return (
    <div className="dialog-backdrop">
      <div className="dialog panel" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} onKeyDown={onKey}>
        <h3 id={`${id}-title`}>Replace removes {removalCounts(preview)}</h3>
        <p id={`${id}-desc`}>The file does not list these: their polling stops, their alarms end and no new values arrive.</p>
        {section('Devices', preview.removed_devices, names.devices)}
        {section('Tags', preview.removed_tags, names.tags)}
        {section('Assets', preview.removed_assets, names.assets)}
        <div className="dialog-actions">
          <button type="button" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm}>
            Remove {removalCounts(preview)} and import
          </button>
        </div>
      </div>
    </div>
  );
}
