import { Column, Entity, PrimaryColumn } from 'typeorm';

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
  revokedReason!: 'logout' | 'refresh_token_reused' | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent!: string | null;

  @Column('text', { nullable: true })
  ip!: string | null;
}
