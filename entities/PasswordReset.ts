import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { TenantEntity } from './TenantEntity.js';

/** A forgot-password token: single use, 30 minutes; only its hash is stored. Not exposed in the API. */
@Entity({ tableName: 'password_resets' })
export class PasswordReset extends TenantEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt?: Date;

  @Column({ type: 'text', nullable: true })
  requestedIp?: string;
}
