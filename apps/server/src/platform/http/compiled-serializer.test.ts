import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compiledSerializer } from './compiled-serializer.ts';

const route = (schema: unknown) =>
  compiledSerializer({ schema, method: 'GET', url: '/x', httpStatus: '200' } as Parameters<
    typeof compiledSerializer
  >[0]);

describe('compiledSerializer', () => {
  const schema = z.object({
    id: z.string(),
    amountCents: z.number().int(),
    status: z.enum(['paid', 'delivered']),
    note: z.string().nullable(),
    extra: z.string().optional(),
    items: z.array(z.object({ productId: z.string(), quantity: z.number().int() })),
  });

  it('writes what zod writes: declared properties only, nulls, optional ones left out', () => {
    const data = {
      id: 'ord_1',
      amountCents: 500,
      status: 'paid',
      note: null,
      secret: 'not declared',
      items: [{ productId: 'p', quantity: 2, cost: 1 }],
    };
    const out = route(schema)(data);
    expect(JSON.parse(out)).toEqual(schema.parse(data));
    expect(out).not.toContain('secret');
    expect(out).not.toContain('cost');
  });

  it('keeps zod for a schema JSON Schema cannot express', () => {
    const transformed = z.object({ at: z.number().transform((n) => new Date(n).toISOString()) });
    expect(JSON.parse(route(transformed)({ at: 0 }))).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });
});
