export { csvField, toCsv } from '@idm/contracts';
import { saveBlob } from './download';

/** Hands text made in the browser to it as a file download. */
export function saveText(text: string, name: string, type = 'text/csv;charset=utf-8'): void {
  saveBlob(new Blob([text], { type }), name);
}
