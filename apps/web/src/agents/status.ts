import type { AgentApplicationDto } from '@kameng/contracts';

/** The colour of an application's status tag, the same in 我的, the agent console and the operators' page. */
export const AGENT_STATUS_COLOR: Record<AgentApplicationDto['status'], string> = {
  pending: 'orange',
  awaiting_fee: 'gold',
  approved: 'green',
  rejected: 'red',
};
