import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';

/** What every page needs to know about the platform (is the sandbox gateway on?). */
export function usePlatformStatus() {
  return useQuery({
    queryKey: ['platform-status'],
    queryFn: () => api<{ sandbox: boolean }>('GET', '/api/v1/platform/status'),
    staleTime: 60_000,
  });
}
