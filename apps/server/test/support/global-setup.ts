import type { TestProject } from 'vitest/node';
import { type DbTemplate, dropTemplate, makeTemplate } from './db-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the migrated database every test database of this run is copied from (support/db-template.ts) */
    kamengDbTemplate: DbTemplate | null;
  }
}

/** Migrates one template database for the whole run (the integration project's globalSetup). */
export default async function setup(project: TestProject): Promise<() => void> {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
  const template = await makeTemplate(url);
  project.provide('kamengDbTemplate', template ?? null);
  return () => dropTemplate(template);
}
