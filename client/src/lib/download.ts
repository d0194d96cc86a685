import { api } from './api';

/**
 * Downloads a protected file: an `<a href>` cannot send the bearer token, so the file is fetched with
 * it and handed to the browser as a blob.
 */
export async function downloadFile(url: string, params: Record<string, unknown>, fallbackName: string): Promise<void> {
  const res = await api.get<Blob>(url, { params, responseType: 'blob', timeout: 120_000 });
  const disposition = String(res.headers['content-disposition'] ?? '');
  saveBlob(res.data, /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName);
}

/** Hands a blob to the browser as a file download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
