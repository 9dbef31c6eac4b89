// The Prisma client is generated code (git-ignored): make sure it exists before
// the service or the tests start, without the schema engine (see README).
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync(new URL('../src/generated/prisma/client.ts', import.meta.url))) {
  execSync('npm run generate --silent', { stdio: 'inherit' });
}
