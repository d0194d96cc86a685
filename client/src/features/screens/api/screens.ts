import type { ScreenBindingKind, ScreenDto, ScreenSummaryDto, ScreenVersionDto, ScreenWriteResultDto } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /screens`: every screen for the navigation tree. */
export async function listScreens(): Promise<ScreenSummaryDto[]> {
  return (await api.get<ScreenSummaryDto[]>('/screens')).data;
}

/** `GET /screens/:id`: the sanitised drawing and its bindings. */
export async function getScreen(id: string): Promise<ScreenDto> {
  return (await api.get<ScreenDto>(`/screens/${encodeURIComponent(id)}`)).data;
}

export interface ScreenUpload {
  id?: string;
  name: string;
  area: string;
  parent_id?: string | null;
  svg: string;
  note?: string;
}

/** `POST /screens` (admin). */
export async function createScreen(body: ScreenUpload): Promise<ScreenWriteResultDto> {
  return (await api.post<ScreenWriteResultDto>('/screens', body)).data;
}

/** `PUT /screens/:id` (admin): a new version. */
export async function updateScreen(id: string, body: Omit<ScreenUpload, 'id'>): Promise<ScreenWriteResultDto> {
  return (await api.put<ScreenWriteResultDto>(`/screens/${encodeURIComponent(id)}`, body)).data;
}

/** `GET /screens/:id/versions` (admin). */
export async function getVersions(id: string): Promise<ScreenVersionDto[]> {
  return (await api.get<ScreenVersionDto[]>(`/screens/${encodeURIComponent(id)}/versions`)).data;
}

/** `POST /screens/:id/rollback` (admin). */
export async function rollbackScreen(id: string, version: number): Promise<ScreenDto> {
  return (await api.post<ScreenDto>(`/screens/${encodeURIComponent(id)}/rollback`, { version })).data;
}

export interface BindingPatch {
  element_id: string;
  remove?: boolean;
  kind?: ScreenBindingKind;
  tag?: string;
  format?: string;
  unit?: string;
  min?: number;
  max?: number;
  link?: string;
}

/** `PATCH /screens/:id/bindings` (admin). */
export async function patchBinding(id: string, body: BindingPatch): Promise<ScreenDto> {
  return (await api.patch<ScreenDto>(`/screens/${encodeURIComponent(id)}/bindings`, body)).data;
}
