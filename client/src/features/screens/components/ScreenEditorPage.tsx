import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { ScreenBindingKind, ScreenDto, SvgFindingDto } from '@idm/contracts';
import { Field } from '../../../components/ui/Field';
import { useAuth } from '../../../lib/auth';
import { dateTime } from '../../../lib/format';
import { toUiError, type UiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { createScreen, getScreen, getVersions, patchBinding, rollbackScreen, updateScreen, type BindingPatch } from '../api/screens';
import './screens.css';

const KINDS: ScreenBindingKind[] = ['value', 'state', 'level', 'visible', 'link'];

/**
 * Admin editor: upload a drawing (new screen or new version), list every binding with unknown tags
 * flagged, click an element of the drawing to bind it, and roll back to an earlier version. No drawing tools.
 */
export function ScreenEditorPage() {
  const { id = 'new' } = useParams();
  const { can } = useAuth();
  const isNew = id === 'new';
  const [tick, setTick] = useState(0);
  const screen = useResource(() => (isNew ? Promise.resolve(null) : getScreen(id)), `edit:${id}:${tick}`);
  if (!can('admin')) return <p className="panel">Only admins edit screens.</p>;
  const reload = () => setTick((n) => n + 1);
  return (
    <section className="screen-editor">
      <h2>{isNew ? 'New screen' : `Edit screen: ${screen.data?.name ?? id}`}</h2>
      {!isNew && (
        <p>
          <Link to={`/graphics/${encodeURIComponent(id)}`}>Open live</Link>
        </p>
      )}
      {screen.error && <p className="abnormal-text">{screen.error.message}</p>}
      <UploadForm screen={screen.data ?? null} onSaved={reload} />
      {screen.data && (
        <>
          <Bindings screen={screen.data} onSaved={reload} />
          <Versions id={screen.data.id} current={screen.data.version} onSaved={reload} />
        </>
      )}
    </section>
  );
}

function UploadForm({ screen, onSaved }: { screen: ScreenDto | null; onSaved: () => void }) {
  const navigate = useNavigate();
  const [error, setError] = useState<UiError | null>(null);
  const [removed, setRemoved] = useState<SvgFindingDto[] | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('file');
    const svg = file instanceof File && file.size ? await file.text() : String(f.get('svg') ?? '');
    const meta = { name: String(f.get('name')), area: String(f.get('area')), parent_id: String(f.get('parent_id') ?? '') || null, svg, note: String(f.get('note') ?? '') || undefined };
    setError(null);
    try {
      const r = screen ? await updateScreen(screen.id, meta) : await createScreen({ ...meta, id: String(f.get('id') ?? '') || undefined });
      setRemoved(r.removed);
      if (screen) onSaved();
      else navigate(`/graphics/${encodeURIComponent(r.id)}/edit`);
    } catch (err) {
      setError(toUiError(err, ['id', 'name', 'area', 'parent_id', 'svg', 'note']));
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Upload drawing">
      <h3>{screen ? `Upload a new version (now version ${screen.version})` : 'Upload a drawing'}</h3>
      {!screen && <Field label="Id (optional slug)" name="id" error={error?.fields.id} />}
      <Field label="Name" name="name" required defaultValue={screen?.name} error={error?.fields.name} />
      <Field label="Area" name="area" required defaultValue={screen?.area} error={error?.fields.area} />
      <Field label="Parent screen id" name="parent_id" defaultValue={screen?.parent_id ?? ''} error={error?.fields.parent_id} />
      <Field label="SVG file" name="file" type="file" accept=".svg,image/svg+xml" />
      <div className="field">
        <label htmlFor="svg-text">…or SVG text</label>
        <textarea id="svg-text" name="svg" rows={4} />
      </div>
      <Field label="Note" name="note" error={error?.fields.note} />
      {error && (
        <div role="alert" className="abnormal-text" data-testid="upload-error">
          <p>{error.fields.svg ? 'The drawing was refused:' : error.message}</p>
          {error.fields.svg && <p>{error.message}</p>}
        </div>
      )}
      {removed && removed.length > 0 && (
        <details open>
          <summary>Removed from the drawing ({removed.length})</summary>
          <ul>
            {removed.map((r, i) => (
              <li key={i}>
                {r.where} {r.what}: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <button type="submit">{screen ? 'Save new version' : 'Create screen'}</button>
    </form>
  );
}

function Bindings({ screen, onSaved }: { screen: ScreenDto; onSaved: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const current = screen.bindings.find((b) => b.element_id === selected && b.source === 'attributes');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const doc = new DOMParser().parseFromString(screen.svg, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true);
    svg.setAttribute('width', '100%');
    el.replaceChildren(svg);
    return () => el.replaceChildren();
  }, [screen.svg]);

  useEffect(() => {
    const el = box.current;
    el?.querySelectorAll('.idm-selected').forEach((n) => n.classList.remove('idm-selected'));
    if (selected) el?.querySelector(`[id="${CSS.escape(selected)}"]`)?.classList.add('idm-selected');
  }, [selected, screen.svg]);

  const pick = (e: MouseEvent) => {
    const el = (e.target as Element).closest('[id]');
    if (el && el.tagName !== 'svg' && box.current?.contains(el)) setSelected(el.id);
  };

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!selected) return;
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    const num = (k: string) => (text(k) === undefined ? undefined : Number(text(k)));
    const body: BindingPatch = { element_id: selected, kind: text('kind') as ScreenBindingKind, tag: text('tag'), format: text('format'), unit: text('unit'), min: num('min'), max: num('max'), link: text('link') };
    setError(null);
    try {
      await patchBinding(screen.id, body);
      onSaved();
    } catch (err) {
      setError(toUiError(err, ['tag', 'format', 'unit', 'min', 'max', 'link', 'kind', 'binding']));
    }
  };
  const unbind = async () => {
    if (!selected) return;
    try {
      await patchBinding(screen.id, { element_id: selected, remove: true });
      onSaved();
    } catch (err) {
      setError(toUiError(err));
    }
  };

  return (
    <div className="panel">
      <h3>Bindings ({screen.bindings.length})</h3>
      {screen.unknown_tags.length > 0 && (
        <p className="unknown" role="alert">
          Unknown tags: {screen.unknown_tags.join(', ')}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Element</th>
            <th>Shows</th>
            <th>Tag</th>
            <th>Format / range</th>
            <th>Link</th>
            <th>From</th>
          </tr>
        </thead>
        <tbody>
          {screen.bindings.map((b) => (
            <tr key={`${b.element_id}:${b.source}`} onClick={() => setSelected(b.element_id)} className={b.element_id === selected ? 'selected-el' : undefined}>
              <td>{b.element_id}</td>
              <td>{b.kind}</td>
              <td className={b.known ? undefined : 'unknown'}>
                {b.tag ?? '—'}
                {!b.known && ' (unknown tag)'}
              </td>
              <td>{b.kind === 'level' ? `${b.min} … ${b.max}` : [b.format, b.unit].filter(Boolean).join(' ')}</td>
              <td>{b.link ?? ''}</td>
              <td>{b.source === 'id' ? 'element id' : 'attributes'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {screen.binding_problems.length > 0 && (
        <ul className="abnormal-text">
          {screen.binding_problems.map((p, i) => (
            <li key={i}>
              {p.element_id || '(no id)'}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Click an element of the drawing to bind it.</p>
      <div ref={box} className="screen-drawing" data-testid="editor-drawing" onClick={pick} />
      {selected && (
        <form key={`${selected}:${screen.version}`} onSubmit={save} aria-label="Binding">
          <h4>Element {selected}</h4>
          <div className="field">
            <label htmlFor="bind-kind">Shows</label>
            <select id="bind-kind" name="kind" defaultValue={current?.kind ?? 'value'}>
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <Field label="Tag (sensor id)" name="tag" defaultValue={current?.tag} error={error?.fields.tag} />
          <Field label="Format (e.g. 0.0)" name="format" defaultValue={current?.format} error={error?.fields.format} />
          <Field label="Unit" name="unit" defaultValue={current?.unit} error={error?.fields.unit} />
          <Field label="Level min" name="min" type="number" step="any" defaultValue={current?.min} error={error?.fields.min} />
          <Field label="Level max" name="max" type="number" step="any" defaultValue={current?.max} error={error?.fields.max} />
          <Field label="Link (screen:<id> or sensor:<id>)" name="link" defaultValue={current?.link} error={error?.fields.link} />
          {error && !Object.keys(error.fields).length && <p className="abnormal-text">{error.message}</p>}
          {error?.fields.binding && <p className="abnormal-text">{error.fields.binding}</p>}
          <button type="submit">Save binding</button>{' '}
          <button type="button" onClick={unbind}>
            Remove binding
          </button>
        </form>
      )}
    </div>
  );
}

function Versions({ id, current, onSaved }: { id: string; current: number; onSaved: () => void }) {
  const versions = useResource(() => getVersions(id), `versions:${id}:${current}`);
  const [error, setError] = useState<string | null>(null);
  const restore = async (version: number) => {
    setError(null);
    try {
      await rollbackScreen(id, version);
      onSaved();
    } catch (err) {
      setError(toUiError(err).message);
    }
  };
  return (
    <div className="panel">
      <h3>Versions</h3>
      {error && <p className="abnormal-text">{error}</p>}
      <table>
        <tbody>
          {(versions.data ?? []).map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td>v{v.version}</td>
              <td>{dateTime(v.at)}</td>
              <td>{v.by ?? '—'}</td>
              <td>{v.note}</td>
              <td>{v.version === current ? 'current' : <button onClick={() => restore(v.version)}>Roll back to v{v.version}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
