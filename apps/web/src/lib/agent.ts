import type { AgentApplicationDto } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { ApiFailure, api } from './api.ts';

/** The signed-in user's 分站 application (null: none), shared by the header, 我的 and the agent console. */
export function useMyAgent(signedIn: boolean) {
  return useQuery({
    queryKey: ['my-agent'],
    queryFn: () =>
      api<AgentApplicationDto>('GET', '/api/v1/agent/application').catch((err: unknown) => {
        if (err instanceof ApiFailure && err.status === 404) return null;
        throw err;
      }),
    enabled: signedIn,
    staleTime: 60_000,
  });
}

/** Whether the signed-in user runs an open 分站 (the header and 我的 link his console). */
export function useIsAgent(signedIn: boolean): boolean {
  return useMyAgent(signedIn).data?.status === 'approved';
}
