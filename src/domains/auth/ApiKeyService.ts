import { ApiKey } from '../../../entities/index.js';
import { Role } from '../../../entities/enums.js';
import { newApiKey } from '../../platform/auth/api-keys.js';
import { ForbiddenError, ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

const KEY_ROLES = new Set<Role>([Role.ADMIN, Role.AGENT, Role.VIEWER]);
const MAX_KEYS = 50;

/**
 * API keys for servers (OWNER/ADMIN; a key cannot manage keys). The key is returned once and
 * stored as a hash; see src/platform/auth/api-keys.ts for how one is accepted.
 */
export class ApiKeyService {
  constructor(private readonly scope: ServiceScope) {}

  list(): Promise<ApiKey[]> {
    this.signedInPerson();
    return this.scope.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'asc' } });
  }

  async create(input: { name: string; role: Role; expiresAt?: Date | null }): Promise<{ apiKey: ApiKey; key: string }> {
    const actor = this.signedInPerson();
    if (!KEY_ROLES.has(input.role))
      throw new ValidationError('input.role must be ADMIN, AGENT or VIEWER', 'input.role');
    if (input.expiresAt && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= Date.now()))
      throw new ValidationError('input.expiresAt must be in the future', 'input.expiresAt');
    if ((await this.scope.em.count(ApiKey, { revokedAt: null })) >= MAX_KEYS)
      throw new ValidationError(`At most ${MAX_KEYS} active API keys per organization`, 'input.name');
    const { key, hash, prefix } = newApiKey();
    const apiKey = this.scope.em.create(ApiKey, {
      name: v.requiredText(input.name, 'input.name', 100),
      role: input.role,
      prefix,
      keyHash: hash,
      createdById: actor.id,
      expiresAt: input.expiresAt ?? undefined,
    });
    await this.scope.em.flush();
    return { apiKey, key };
  }

  /** Refused from then on (in this process at once, in others within SESSION_CHECK_MS); open sockets are closed. */
  async revoke(id: string): Promise<ApiKey> {
    this.signedInPerson();
    const apiKey = await findOrNotFound(this.scope.em, ApiKey, id, 'ApiKey');
    apiKey.revokedAt ??= new Date();
    await this.scope.em.flush();
    this.scope.deps.apiKeys.forget(apiKey.keyHash);
    return apiKey;
  }

  private signedInPerson() {
    const actor = requireActor(this.scope);
    if (actor.apiKeyId) throw new ForbiddenError('API keys cannot manage API keys; sign in as an owner or admin');
    return actor;
  }
}
