import type { UserOrmEntity } from '../infrastructure/user.orm-entity';

/** What the API shows of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  phone: string | null;
  roles: string[];
  createdAt: string;
}

export function toUserView(user: UserOrmEntity, roles: string[] = user.roles): UserView {
  return {
    id: user.id,
    email: user.email,
    phone: user.phone,
    roles,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Where a request came from: what sessions and the audit log record. */
export interface ClientInfo {
  userAgent?: string;
  ip?: string;
  requestId?: string;
}
