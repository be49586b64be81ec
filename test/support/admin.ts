import { Users } from '#monay/identity';
import { newUser, type TestApp } from './test-app';

export interface Admin {
  email: string;
  password: string;
  userId: string;
  token: string;
  Authorization: string;
}

/**
 * Makes an existing user an admin the way an operator does (`npm run user:grant-admin -- <email>` runs this
 * command), then logs in so that the access token carries the role. ADMIN_EMAILS does not do it: roles from
 * configuration need a verified email, and registration verifies nothing.
 */
export async function grantAdmin(t: TestApp, user: { email: string; password: string }): Promise<Admin> {
  await t.app.get(Users).grantRole(user.email, 'admin');
  const login = await t.http().post('/api/auth/login').send(user).expect(200);
  const token = login.body.accessToken as string;
  return {
    ...user,
    userId: login.body.user.id as string,
    token,
    Authorization: `Bearer ${token}`,
  };
}

/** A new user, registered and granted the admin role as an operator would. */
export async function registerAdmin(t: TestApp, prefix = 'admin'): Promise<Admin> {
  const user = newUser(prefix);
  await t.http().post('/api/auth/register').send(user).expect(201);
  return grantAdmin(t, user);
}

/** Only the `Authorization` header of an admin, for `.set(...)`. */
export function adminHeader(admin: Admin): { Authorization: string } {
  return { Authorization: admin.Authorization };
}
