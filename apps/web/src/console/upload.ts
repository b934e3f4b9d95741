import { type ApiError, ApiFailure } from '../lib/api.ts';

function csrfToken(): string | null {
  const m = /(?:^|;\s*)kameng_csrf=([^;]*)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/**
 * POSTs a file or text as the raw request body (cover images, card-key files) and reports how much of it
 * has been sent: fetch cannot observe an upload, XMLHttpRequest can. Errors come back as ApiFailure, like api().
 */
export function postRaw<T>(
  path: string,
  body: Blob | string,
  contentType: string,
  onProgress?: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onerror = () => reject(new ApiFailure(0, { code: 'NETWORK', message: 'network error', details: null }));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // not JSON (a proxy page): judged by the status below
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const error = (data as { error?: ApiError } | null)?.error;
      if (error && typeof error.code === 'string') return reject(new ApiFailure(xhr.status, error));
      const code = xhr.status >= 502 && xhr.status <= 504 ? 'UNAVAILABLE' : `HTTP_${xhr.status}`;
      reject(new ApiFailure(xhr.status, { code, message: xhr.statusText, details: null }));
    };
    xhr.send(body);
  });
}
