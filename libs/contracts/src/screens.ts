// Process graphics (mimic screens): wire shapes of the /screens API, shared with the client.

export type ScreenBindingKind = 'value' | 'state' | 'level' | 'visible' | 'link';

/** How one element of a screen shows live data. */
export interface ScreenBindingDto {
  element_id: string;
  kind: ScreenBindingKind;
  tag?: string;
  /** `value`: decimals as `0`, `0.0`, `0.00`… */
  format?: string;
  unit?: string;
  /** `level`: the range the fill spans. */
  min?: number;
  max?: number;
  /** Click-through: `screen:<id>` or `sensor:<id>`. */
  link?: string;
  /** `attributes` (data-idm-*) or `id` (the element's id is a sensor id). */
  source: 'attributes' | 'id';
  /** False when the tag is not in the registry (the editor flags it). */
  known: boolean;
}

/** Something the sanitiser took out of (or refused in) an uploaded drawing. */
export interface SvgFindingDto {
  where: string;
  what: string;
  reason: string;
}

export interface ScreenSummaryDto {
  id: string;
  name: string;
  area: string;
  parent_id: string | null;
  version: number;
  updated_at: string;
  updated_by: string | null;
  /** Sensor ids bound on the screen. */
  tags: string[];
  binding_count: number;
  unknown_tags: string[];
  /** Active alarms of the screen's tags (the navigation tree shows it). */
  active_alarms: number;
}

export interface ScreenDto extends ScreenSummaryDto {
  svg: string;
  bindings: ScreenBindingDto[];
  /** Malformed data-idm-* attributes, by element. */
  binding_problems: Array<{ element_id: string; message: string }>;
}

/** Answer of an upload or a new version: the screen plus what the sanitiser removed. */
export interface ScreenWriteResultDto extends ScreenDto {
  removed: SvgFindingDto[];
}

export interface ScreenVersionDto {
  version: number;
  at: string;
  by: string | null;
  note: string;
  /** The version this one restored, for a rollback. */
  restored_from: number | null;
}
