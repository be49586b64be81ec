import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Users, IdentityModule } from '#monay/identity';
import { CoreModule, loadConfigOrExit } from '#monay/shared';

/** `npm run user:grant-admin -- <email>`: gives an existing user the admin role (kept in the database). */
async function main(): Promise<void> {
  const email = process.argv[2];
  if (!email) {
    console.error('usage: npm run user:grant-admin -- <email>');
    process.exit(2);
  }
  const config = loadConfigOrExit();

  @Module({ imports: [CoreModule.forRoot(config, { processors: false, relay: false }), IdentityModule] })
  class GrantModule {}

  const app = await NestFactory.createApplicationContext(GrantModule, { logger: ['error', 'warn'] });
  try {
    const { userId, roles } = await app.get(Users).grantRole(email, 'admin');
    console.log(
      `user:grant-admin: ${email} (${userId}) now has roles ${roles.join(', ')}; new tokens carry them`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error('user:grant-admin failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
