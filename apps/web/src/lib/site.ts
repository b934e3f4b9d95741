import type { SiteSettingsDto } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';

/** The site's name, record numbers, 客服 and announcements (GET /api/v1/site), shared by the footer and home page. */
export function useSite() {
  return useQuery({
    queryKey: ['site'],
    queryFn: () => api<SiteSettingsDto>('GET', '/api/v1/site'),
    staleTime: 5 * 60_000,
  });
}

/** Where the footer's record numbers link to, as MIIT and the MPS ask. */
export const ICP_RECORD_URL = 'https://beian.miit.gov.cn/';
export const psbRecordUrl = (code: string) =>
  `https://beian.mps.gov.cn/#/query/webSearch?code=${encodeURIComponent(code)}`;
