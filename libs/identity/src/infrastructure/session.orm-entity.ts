import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SessionRevocationReason } from '../domain/events/security.events';

/** A sign-in: one family of rotating refresh tokens. Revoking it ends every token of the family. */
@Entity('auth_sessions')
export class SessionOrmEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason!: SessionRevocationReason | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent!: string | null;

  @Column('text', { nullable: true })
  ip!: string | null;

  /** "Chrome on macOS": what the sessions list shows, and what tells a new device from a known one. */
  @Column('text', { name: 'device_label', nullable: true })
  deviceLabel!: string | null;

  /** The last request made with the session's tokens (to the minute), or its last refresh. */
  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}
