/**
 * Member levels: what operators define, and which level a user is at. A user's level is the best (highest
 * rank) of the level his spend reaches and the level he bought or an operator granted him; it is worked
 * out when asked, so a paid order or a refund that changes his spend changes his level in that same
 * transaction, and a changed threshold applies to everyone at once.
 */
import type { CreateLevelBody, LevelDto, UserLevelDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getUser, type RequestMeta } from '../accounts/accounts.service.ts';
import { categoryPath, getProductsForOrder } from '../catalog/catalog.service.ts';
import * as q from './members.queries.ts';

export function toLevelDto(r: q.LevelRow, discounts: q.DiscountRow[], showContact: boolean): LevelDto {
  return {
    id: r.id,
    name: r.name,
    rank: r.rank,
    discountBps: r.discount_bps,
    feeDiscountBps: r.fee_discount_bps,
    spendThresholdCents: r.spend_threshold_cents === null ? null : Number(r.spend_threshold_cents),
    upgradePriceCents: r.upgrade_price_cents === null ? null : Number(r.upgrade_price_cents),
    ...(showContact ? { serviceContact: r.service_contact } : {}),
    overrides: discounts
      .filter((d) => d.level_id === r.id)
      .map((d) =>
        d.scope === 'product'
          ? { productId: d.scope_id, discountBps: d.discount_bps }
          : { categoryId: d.scope_id, discountBps: d.discount_bps },
      ),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface Standing {
  level: q.LevelRow | null;
  source: 'spend' | 'purchase' | 'operator' | null;
  spendCents: number;
  member: q.MemberRow | undefined;
}

/** The level `member` is at among `levels` (lowest rank first). */
export function standingOf(levels: q.LevelRow[], member: q.MemberRow | undefined): Standing {
  const spendCents = Number(member?.spend_cents ?? 0);
  let bySpend: q.LevelRow | null = null;
  for (const l of levels) {
    if (l.spend_threshold_cents !== null && Number(l.spend_threshold_cents) <= spendCents) bySpend = l;
  }
  const granted = member?.granted_level_id ? (levels.find((l) => l.id === member.granted_level_id) ?? null) : null;
  if (granted && (!bySpend || granted.rank > bySpend.rank)) {
    return { level: granted, source: member?.granted_by ?? 'operator', spendCents, member };
  }
  return { level: bySpend, source: bySpend ? 'spend' : null, spendCents, member };
}

/** The level each of `userIds` is at (absent: none), read in the caller's transaction. */
export async function levelsOfUsers(db: Executor, userIds: string[]): Promise<Map<string, q.LevelRow>> {
  const ids = [...new Set(userIds)];
  const levels = await q.listLevels(db);
  const out = new Map<string, q.LevelRow>();
  if (levels.length === 0 || ids.length === 0) return out;
  const members = new Map((await q.membersOf(db, ids)).map((m) => [m.user_id, m]));
  for (const id of ids) {
    const s = standingOf(levels, members.get(id));
    if (s.level) out.set(id, s.level);
  }
  return out;
}

export async function listLevels(deps: Deps): Promise<{ items: LevelDto[] }> {
  const rows = await q.listLevels(deps.db);
  const discounts = await q.discountsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toLevelDto(r, discounts, true)) };
}

type LevelInput = Omit<CreateLevelBody, 'overrides'> & { overrides?: CreateLevelBody['overrides'] | undefined };

async function checkOverrides(tx: Executor, overrides: NonNullable<LevelInput['overrides']>): Promise<void> {
  const productIds = overrides.flatMap((o) => (o.productId ? [o.productId] : []));
  const products = await getProductsForOrder(tx, productIds);
  for (const [i, o] of overrides.entries()) {
    const found = o.productId ? products.has(o.productId) : (await categoryPath(tx, o.categoryId!)).length > 0;
    if (!found) {
      throw new AppError('NOT_FOUND', `No such ${o.productId ? 'product' : 'category'}`, {
        issues: [{ path: ['overrides', i], message: 'not found' }],
      });
    }
  }
  const keys = overrides.map((o) => o.productId ?? `c:${o.categoryId}`);
  if (new Set(keys).size !== keys.length) {
    throw new AppError('VALIDATION_FAILED', 'Each product or category may be named once', {
      issues: [{ path: ['overrides'], message: 'duplicate' }],
    });
  }
}

function discountRows(levelId: string, overrides: NonNullable<LevelInput['overrides']>): q.DiscountRow[] {
  return overrides.map((o) => ({
    level_id: levelId,
    scope: o.productId ? ('product' as const) : ('category' as const),
    scope_id: (o.productId ?? o.categoryId)!,
    discount_bps: o.discountBps,
  }));
}

function rankTaken(): AppError {
  return new AppError('ALREADY_EXISTS', 'Another level has this rank', {
    issues: [{ path: ['rank'], message: 'taken' }],
  });
}

export async function createLevel(
  deps: Deps,
  auth: AuthContext,
  body: LevelInput,
  meta: RequestMeta,
): Promise<{ id: string }> {
  const id = newId('lvl', deps.clock, deps.random);
  const now = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await q.findLevelByRank(tx, body.rank)) throw rankTaken();
      await checkOverrides(tx, body.overrides ?? []);
      await q.insertLevel(tx, { id, ...levelColumns(body), created_at: now, updated_at: now });
      await q.replaceDiscounts(tx, id, discountRows(id, body.overrides ?? []));
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'member_level.create',
        objectType: 'member_level',
        objectId: id,
        ip: meta.ip,
        details: { ...body },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw rankTaken();
    throw err;
  }
  return { id };
}

function levelColumns(body: LevelInput) {
  return {
    name: body.name,
    rank: body.rank,
    discount_bps: body.discountBps,
    fee_discount_bps: body.feeDiscountBps,
    spend_threshold_cents: body.spendThresholdCents,
    upgrade_price_cents: body.upgradePriceCents,
    service_contact: body.serviceContact,
  };
}

export async function updateLevel(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: LevelInput,
  meta: RequestMeta,
): Promise<LevelDto> {
  const now = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const before = await q.findLevel(tx, id);
      if (!before) throw new AppError('NOT_FOUND', 'No such level');
      const other = await q.findLevelByRank(tx, body.rank);
      if (other && other.id !== id) throw rankTaken();
      await checkOverrides(tx, body.overrides ?? []);
      await q.updateLevel(tx, id, { ...levelColumns(body), updated_at: now });
      await q.replaceDiscounts(tx, id, discountRows(id, body.overrides ?? []));
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'member_level.update',
        objectType: 'member_level',
        objectId: id,
        ip: meta.ip,
        details: { before: toLevelDto(before, await q.discountsOf(tx, [id]), true), after: { ...body } },
      });
      const row = (await q.findLevel(tx, id))!;
      return toLevelDto(row, await q.discountsOf(tx, [id]), true);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw rankTaken();
    throw err;
  }
}

/** Deletes a level with its discounts and level prices; whoever held it as a grant falls back to his spend. */
export async function deleteLevel(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const before = await q.findLevel(tx, id);
    if (!before || !(await q.deleteLevel(tx, id))) throw new AppError('NOT_FOUND', 'No such level');
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'member_level.delete',
      objectType: 'member_level',
      objectId: id,
      ip: meta.ip,
      details: { name: before.name, rank: before.rank },
    });
  });
}

/** An operator grants a user a level (or takes the grant away with null); audited. */
export async function setUserLevel(
  deps: Deps,
  auth: AuthContext,
  userId: string,
  levelId: string | null,
  meta: RequestMeta,
): Promise<UserLevelDto> {
  await getUser(deps, userId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    if (levelId !== null && !(await q.findLevel(tx, levelId))) throw new AppError('NOT_FOUND', 'No such level');
    await q.ensureMember(tx, userId, now);
    const before = await q.findMember(tx, userId);
    await q.setGrant(
      tx,
      userId,
      levelId === null
        ? { granted_level_id: null, granted_by: null, granted_at: null }
        : { granted_level_id: levelId, granted_by: 'operator', granted_at: now },
      now,
    );
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'member_level.grant',
      objectType: 'user',
      objectId: userId,
      ip: meta.ip,
      details: { before: before?.granted_level_id ?? null, after: levelId },
    });
  });
  return userLevel(deps.db, userId, true);
}

/**
 * A user's level, his progress to the next level reached by spend, and every level with what it gives.
 * The 专属客服 contact is shown for his own level only (operators see every contact).
 */
export async function userLevel(db: Executor, userId: string, operator = false): Promise<UserLevelDto> {
  const levels = await q.listLevels(db);
  const discounts = await q.discountsOf(
    db,
    levels.map((l) => l.id),
  );
  const s = standingOf(levels, await q.findMember(db, userId));
  const dto = (l: q.LevelRow) => toLevelDto(l, discounts, operator || l.id === s.level?.id);
  const next = levels.find(
    (l) =>
      l.spend_threshold_cents !== null &&
      Number(l.spend_threshold_cents) > s.spendCents &&
      (!s.level || l.rank > s.level.rank),
  );
  return {
    level: s.level ? dto(s.level) : null,
    source: s.source,
    spendCents: s.spendCents,
    grantedLevelId: s.member?.granted_level_id ?? null,
    next: next ? { level: dto(next), remainingCents: Number(next.spend_threshold_cents) - s.spendCents } : null,
    levels: levels.map(dto),
  };
}

export async function adminUserLevel(deps: Deps, userId: string): Promise<UserLevelDto> {
  await getUser(deps, userId);
  return userLevel(deps.db, userId, true);
}
