import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from './dialect.ts';

const index = { name: 'disputes_open_order_uq', table: 'disputes', columns: ['open_order_id'] };

describe('isUniqueViolation', () => {
  it('tells the index that was violated on PostgreSQL (by name) and SQLite (by columns)', () => {
    const pg = (constraint: string) => Object.assign(new Error('duplicate key'), { code: '23505', constraint });
    const lite = (cols: string) => new Error(`UNIQUE constraint failed: ${cols}`);
    expect(isUniqueViolation(pg('disputes_open_order_uq'))).toBe(true);
    expect(isUniqueViolation(pg('disputes_open_order_uq'), index)).toBe(true);
    expect(isUniqueViolation(pg('disputes_pkey'), index)).toBe(false);
    expect(isUniqueViolation(lite('disputes.open_order_id'), index)).toBe(true);
    expect(isUniqueViolation(lite('disputes.id'), index)).toBe(false);
    expect(isUniqueViolation(lite('dispute_messages.dispute_id, dispute_messages.seq'), index)).toBe(false);
    expect(isUniqueViolation(lite('disputes.id'))).toBe(true);
    expect(isUniqueViolation(new Error('FOREIGN KEY constraint failed'), index)).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
