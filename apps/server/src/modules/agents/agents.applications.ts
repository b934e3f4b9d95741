import type { AgentApplicationDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import * as q from './agents.queries.ts';
import { type AgentSite, forgetSites, resolveSite } from './agents.sites.ts';

export function toApplication(r: q.AgentRow): AgentApplicationDto {
  return {
    id: r.id,
    userId: r.user_id,
    parentId: r.parent_user_id,
    depth: r.depth,
    siteName: r.site_name,
    subdomain: r.subdomain,
    status: r.status,
    reason: r.reason,
    customDomain: r.custom_domain,
    customDomainStatus: r.custom_domain_status,
    openingPaymentId: r.opening_payment_id,
    createdAt: r.created_at,
  };
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return err?.code === '23505' || /UNIQUE constraint failed/i.test(err?.message ?? '');
}

/**
 * A user applies to open a 分站. On the platform's own site he applies to the operators; on an agent's
 * 分站 he applies to become that agent's sub-agent (the agent approves), up to the operators' depth.
 */
export async function apply(
  deps: Deps,
  auth: AuthContext,
  body: { siteName: string; subdomain: string },
  host: string | undefined,
  meta: RequestMeta,
): Promise<{ id: string }> {
  const parent: AgentSite | null = await resolveSite(deps, host);
  const depth = parent ? parent.depth + 1 : 1;
  if (depth > (await getSetting(deps.db, 'agents.maxDepth'))) {
    throw new AppError('UNPROCESSABLE', 'This site cannot take more sub-agents', {
      issues: [{ path: ['subdomain'], message: 'too deep' }],
    });
  }
  if (parent?.userId === auth.userId) throw new AppError('UNPROCESSABLE', 'You cannot be your own sub-agent');
  const now = deps.clock.now();
  const id = newId('agt', deps.clock, deps.random);
  try {
    await deps.db.transaction().execute(async (tx) => {
      const mine = await q.agentOfUser(tx, auth.userId);
      if (mine && mine.status !== 'rejected')
        throw new AppError('CONFLICT', 'You already have a 分站 or an application');
      if (mine) await tx.deleteFrom('agents').where('id', '=', mine.id).execute();
      await q.insertAgent(tx, {
        id,
        user_id: auth.userId,
        parent_user_id: parent?.userId ?? null,
        depth,
        status: 'pending',
        site_name: body.siteName,
        subdomain: body.subdomain,
        custom_domain: null,
        custom_domain_status: null,
        logo_url: null,
        notice: null,
        contact: null,
        carousel: '[]',
        markup_bps: 0,
        markup_cents: 0,
        opening_payment_id: null,
        reason: null,
        decided_by: null,
        decided_at: null,
        created_at: now,
        updated_at: now,
      });
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'agent.apply',
        objectType: 'agent',
        objectId: id,
        ip: meta.ip,
        details: { subdomain: body.subdomain, parent: parent?.userId ?? null },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError('CONFLICT', 'That subdomain is taken', {
        issues: [{ path: ['subdomain'], message: 'taken' }],
      });
    }
    throw e;
  }
  return { id };
}

export async function myApplication(deps: Deps, auth: AuthContext): Promise<AgentApplicationDto> {
  const r = await q.agentOfUser(deps.db, auth.userId);
  if (!r) throw new AppError('NOT_FOUND', 'You have not applied');
  return toApplication(r);
}

export async function listApplications(
  deps: Deps,
  f: { status?: 'pending' | 'awaiting_fee' | 'approved' | 'rejected' | undefined },
) {
  return { items: (await q.listAgents(deps.db, f)).map(toApplication) };
}

/**
 * Approve or reject an application. Operators decide on any; an agent decides only on his own sub-agents'
 * (another's application is not found for him).
 */
export async function decide(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision: 'approve' | 'reject',
  reason: string | null,
  as: 'operator' | 'parent',
  meta: RequestMeta,
): Promise<AgentApplicationDto> {
  const out = await deps.db.transaction().execute(async (tx) => {
    const r = await q.findAgent(tx, id);
    if (!r || (as === 'parent' && r.parent_user_id !== auth.userId))
      throw new AppError('NOT_FOUND', 'No such application');
    if (r.parent_user_id) {
      const parent = await q.agentOfUser(tx, r.parent_user_id);
      if (decision === 'approve' && parent?.status !== 'approved') {
        throw new AppError('INVALID_STATE', 'The parent agent is not approved');
      }
    }
    const now = deps.clock.now();
    const moved = await q.transitionAgent(tx, id, ['pending'], {
      status: decision === 'approve' ? 'approved' : 'rejected',
      reason,
      decided_by: auth.userId,
      decided_at: now,
      updated_at: now,
    });
    if (!moved) throw new AppError('INVALID_STATE', `This application is ${r.status}`);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: `agent.${decision}`,
      objectType: 'agent',
      objectId: id,
      ip: meta.ip,
      details: { as, reason },
    });
    return toApplication((await q.findAgent(tx, id))!);
  });
  forgetSites(deps);
  return out;
}

/** The agent asks for his own domain; an operator approves it before any request on it finds his site. */
export async function requestDomain(deps: Deps, auth: AuthContext, domain: string): Promise<AgentApplicationDto> {
  const r = await q.agentOfUser(deps.db, auth.userId);
  if (r?.status !== 'approved') throw new AppError('NOT_FOUND', 'You have no 分站');
  const platform = (await getSetting(deps.db, 'agents.siteDomain')) ?? deps.config.siteDomain;
  if (domain === platform || domain.endsWith(`.${platform}`)) {
    throw new AppError('UNPROCESSABLE', "Use your subdomain; the platform's domain is not yours", {
      issues: [{ path: ['domain'], message: 'platform domain' }],
    });
  }
  try {
    await q.updateAgent(deps.db, r.id, {
      custom_domain: domain,
      custom_domain_status: 'pending',
      updated_at: deps.clock.now(),
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('CONFLICT', 'That domain is taken');
    throw e;
  }
  forgetSites(deps);
  return toApplication((await q.findAgent(deps.db, r.id))!);
}

export async function decideDomain(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision: 'approve' | 'reject',
  meta: RequestMeta,
): Promise<AgentApplicationDto> {
  const out = await deps.db.transaction().execute(async (tx) => {
    const r = await q.findAgent(tx, id);
    if (!r?.custom_domain) throw new AppError('NOT_FOUND', 'No such domain request');
    if (r.custom_domain_status !== 'pending') throw new AppError('INVALID_STATE', 'This domain was decided');
    await q.updateAgent(tx, id, {
      custom_domain_status: decision === 'approve' ? 'approved' : 'rejected',
      updated_at: deps.clock.now(),
    });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: `agent.domain_${decision}`,
      objectType: 'agent',
      objectId: id,
      ip: meta.ip,
      details: { domain: r.custom_domain },
    });
    return toApplication((await q.findAgent(tx, id))!);
  });
  forgetSites(deps);
  return out;
}

export async function listDomainRequests(deps: Deps) {
  return { items: (await q.listAgents(deps.db, { domainPending: true })).map(toApplication) };
}

export async function mySubAgents(deps: Deps, auth: AuthContext) {
  return { items: (await q.listAgents(deps.db, { parentUserId: auth.userId })).map(toApplication) };
}

export async function agentSettings(deps: Deps) {
  return {
    siteDomain: (await getSetting(deps.db, 'agents.siteDomain')) ?? deps.config.siteDomain,
    maxDepth: await getSetting(deps.db, 'agents.maxDepth'),
  };
}

export async function setAgentSettings(
  deps: Deps,
  auth: AuthContext,
  body: { siteDomain: string; maxDepth: number },
  meta: RequestMeta,
) {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await setSetting(tx, 'agents.siteDomain', body.siteDomain, now);
    await setSetting(tx, 'agents.maxDepth', body.maxDepth, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'agent.settings',
      objectType: 'settings',
      objectId: 'agents',
      ip: meta.ip,
      details: body,
    });
  });
  forgetSites(deps);
  return agentSettings(deps);
}
