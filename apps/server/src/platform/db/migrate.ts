import type { Kysely } from 'kysely';
import type { Dialect } from './database.ts';

/** One forward-only migration step of a module. */
export interface Migration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}
