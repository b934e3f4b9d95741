import { defineConsoleMessages, useMessages } from '../console/i18n.ts';
import type { Translation } from '../i18n/dictionary.ts';

// The dead-job page of the operator console keeps its own dictionary.
export const zhCN = {
  'menu.deadJobs': '失败任务',
  'jobs.sub':
    '后台任务（发货、通知、对账、退款重试……）用完重试次数后停在这里。排除原因后可重新执行；放弃则该任务不会再执行。两种操作都记入审计日志。',
  'jobs.kind': '任务类型',
  'jobs.allKinds': '全部类型',
  'jobs.attempts': '已尝试',
  'jobs.lastError': '最后一次错误',
  'jobs.createdAt': '创建时间',
  'jobs.diedAt': '失败时间',
  'jobs.retry': '重新执行',
  'jobs.retried': '已重新排队',
  'jobs.discard': '放弃',
  'jobs.discardConfirm': '放弃后该任务不会再执行，确定吗？',
  'jobs.discarded': '已放弃',
  'jobs.none': '没有失败的任务',
};

export const enUS: Translation<typeof zhCN> = {
  'menu.deadJobs': 'Dead jobs',
  'jobs.sub':
    'Background jobs (delivery, notices, reconciliation, refund retries …) stop here once they have used up their attempts. Fix the cause and retry; discard one and it never runs. Both are written to the audit log.',
  'jobs.kind': 'Kind',
  'jobs.allKinds': 'All kinds',
  'jobs.attempts': 'Attempts',
  'jobs.lastError': 'Last error',
  'jobs.createdAt': 'Created',
  'jobs.diedAt': 'Failed',
  'jobs.retry': 'Retry',
  'jobs.retried': 'Queued again',
  'jobs.discard': 'Discard',
  'jobs.discardConfirm': 'A discarded job never runs. Discard it?',
  'jobs.discarded': 'Discarded',
  'jobs.none': 'No dead jobs',
};

export const messages = defineConsoleMessages(zhCN, enUS);

export function useJobsT() {
  return useMessages(messages);
}
