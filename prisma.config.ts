// Prisma CLI configuration. The service applies migrations itself (src/db/migrate.ts)
// because the schema engine binary cannot be downloaded everywhere; the folder
// format and the _prisma_migrations records stay compatible with `prisma migrate deploy`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' },
});
