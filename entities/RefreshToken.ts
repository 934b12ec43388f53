import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { TenantEntity } from './TenantEntity.js';

/**
 * One issued refresh token, stored as a SHA-256 hash. Tokens of one login form a family; reuse of
 * a rotated token revokes the whole family (it means the token was stolen).
 */
@Entity({ tableName: 'refresh_tokens' })
export class RefreshToken extends TenantEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  tokenHash!: string;

  @Column({ type: 'uuid' })
  familyId!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;

  @Column({ type: 'uuid', nullable: true })
  replacedById?: string;

  /** The client it was issued to: address (behind a proxy only with TRUST_PROXY) and user agent. */
  @Column({ type: 'text', nullable: true })
  ip?: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent?: string | null;
}
