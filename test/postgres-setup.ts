// vitest globalSetup for the `postgres` project: one PostgreSQL server for the run; each test file
// creates its own database on it (server/db/test-db.ts).
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres';

let server: PostgresServer | undefined;

export default async function setup(project: TestProject) {
  server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
