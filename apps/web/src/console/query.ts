import { type UseQueryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../lib/api.ts';

/** `path?k=v` with only the defined, non-empty values. */
export function withParams(path: string, params: Record<string, string | number | boolean | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** GET `path` through the shared query cache; the key is the path itself, so invalidation can go by prefix. */
export function useGet<T>(path: string | null, opts: Omit<UseQueryOptions<T>, 'queryKey' | 'queryFn'> = {}) {
  return useQuery<T>({
    queryKey: ['console', path],
    queryFn: () => api<T>('GET', path as string),
    enabled: path !== null,
    ...opts,
  });
}

/** Marks every cached GET under `prefix` (e.g. `/api/v1/supplier/products`) stale, so what is shown refetches. */
export function useInvalidate(): (...prefixes: string[]) => Promise<void> {
  const client = useQueryClient();
  return useCallback(
    async (...prefixes) => {
      await client.invalidateQueries({
        predicate: (q) =>
          q.queryKey[0] === 'console' &&
          typeof q.queryKey[1] === 'string' &&
          prefixes.some((p) => (q.queryKey[1] as string).startsWith(p)),
      });
    },
    [client],
  );
}
