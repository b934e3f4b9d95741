import type { QualificationDto } from '@kameng/contracts';

export const STATUS_COLOR: Record<QualificationDto['status'], string> = {
  awaiting_document: 'default',
  pending: 'gold',
  approved: 'green',
  rejected: 'red',
  expired: 'volcano',
};
