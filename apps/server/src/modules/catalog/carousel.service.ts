import type { CarouselDto, CarouselSlotDto, SetCarouselBody } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { lockName } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import * as q from './carousel.queries.ts';
import { productsByIds } from './catalog.queries.ts';
import { coverUrl } from './catalog.product-views.ts';
import { sellableListItems } from './catalog.storefront.ts';

const inWindow = (s: q.CarouselSlotRow, now: number) =>
  (s.starts_at === null || Number(s.starts_at) <= now) && (s.ends_at === null || Number(s.ends_at) > now);

/** The home page's carousel: live slots whose product can be bought right now. */
export async function carousel(deps: Deps): Promise<CarouselDto> {
  const slots = await q.liveSlots(deps.db, deps.clock.now());
  const products = await sellableListItems(
    deps,
    deps.db,
    slots.map((s) => s.product_id),
  );
  const items: CarouselDto['items'] = [];
  for (const s of slots) {
    const product = products.get(s.product_id);
    if (product) items.push({ id: s.id, headline: s.headline, product });
  }
  return { items };
}

/** Every slot, with whether (and why not) it shows right now. */
export async function adminCarousel(deps: Deps): Promise<{ items: CarouselSlotDto[] }> {
  const slots = await q.listSlots(deps.db);
  const now = deps.clock.now();
  const products = new Map(
    (
      await productsByIds(
        deps.db,
        slots.map((s) => s.product_id),
      )
    ).map((p) => [p.id, p]),
  );
  return {
    items: slots.map((s) => {
      const p = products.get(s.product_id);
      return {
        id: s.id,
        position: s.position,
        productId: s.product_id,
        headline: s.headline,
        startsAt: s.starts_at === null ? null : Number(s.starts_at),
        endsAt: s.ends_at === null ? null : Number(s.ends_at),
        product: p
          ? {
              title: p.title,
              status: p.status,
              onSale: p.on_sale === 1,
              coverUrl: coverUrl(p.cover_file),
            }
          : null,
        live: inWindow(s, now) && p?.status === 'approved' && p.on_sale === 1,
        updatedAt: Number(s.updated_at),
      };
    }),
  };
}

/** Replaces the whole carousel (order = position). Every product must exist; the change is audited. */
export async function setCarousel(
  deps: Deps,
  auth: AuthContext,
  body: SetCarouselBody,
  meta: RequestMeta,
): Promise<{ items: CarouselSlotDto[] }> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    // the slots are replaced as a whole: two operators saving at once take turns, the later one stands
    await lockName(tx, deps.dialect, 'catalog.carousel');
    const found = new Set(
      (
        await productsByIds(
          tx,
          body.slots.map((s) => s.productId),
        )
      ).map((p) => p.id),
    );
    const missing = body.slots.map((s, i) => ({ s, i })).filter(({ s }) => !found.has(s.productId));
    if (missing.length > 0) {
      throw new AppError('UNPROCESSABLE', 'No such product', {
        issues: missing.map(({ i }) => ({ path: ['slots', i, 'productId'], message: 'no such product' })),
      });
    }
    const before = await q.listSlots(tx);
    await q.replaceSlots(
      tx,
      body.slots.map((s, position) => ({
        id: newId('cas', deps.clock, deps.random),
        position,
        product_id: s.productId,
        headline: s.headline ?? null,
        starts_at: s.startsAt ?? null,
        ends_at: s.endsAt ?? null,
        updated_by: auth.userId,
        created_at: now,
        updated_at: now,
      })),
    );
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'catalog.carousel_set',
      objectType: 'settings',
      objectId: 'catalog.carousel',
      ip: meta.ip,
      details: { before: before.map((s) => s.product_id), after: body.slots.map((s) => s.productId) },
    });
  });
  return adminCarousel(deps);
}
