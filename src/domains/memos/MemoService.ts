import { Deal, Memo, ShareLink, Underwriting } from '../../../entities/index.js';
import { MemoStatus } from '../../../entities/enums.js';
import { newOpaqueToken } from '../../platform/auth/tokens.js';
import { ValidationError } from '../../platform/errors/index.js';
import { memoContentFor, reviveMemoContent } from './memo-content.js';
import type { MemoContent } from './render-memo.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/** Investment memos: generation requests, downloads and public share links. Rendering runs in a job. */
export class MemoService {
  constructor(private readonly scope: ServiceScope) {}

  /** Creates a PENDING memo for one underwriting version of a deal and queues its rendering. */
  async request(dealId: string, underwritingId: string): Promise<Memo> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const deal = await findOrNotFound(em, Deal, dealId, 'Deal');
    const uw = await findOrNotFound(em, Underwriting, underwritingId, 'Underwriting');
    if (uw.dealId !== deal.id) throw new ValidationError('That underwriting belongs to another deal', 'underwritingId');
    const memo = em.create(Memo, {
      organizationId: actor.organizationId,
      dealId: deal.id,
      underwritingId: uw.id,
      createdById: actor.id,
    });
    await em.flush();
    await this.scope.deps.queues.enqueueMemo({ organizationId: actor.organizationId, memoId: memo.id });
    return memo;
  }

  get(id: string): Promise<Memo> {
    return findOrNotFound(this.scope.em, Memo, id, 'Memo');
  }

  /** A short-lived presigned URL for a READY memo; null before that. */
  async downloadUrl(memo: Memo): Promise<string | null> {
    if (memo.status !== MemoStatus.READY || !memo.storageKey) return null;
    return this.scope.deps.storage.presignedGet(memo.storageKey, this.scope.deps.config.memoDownloadTtlSeconds);
  }

  async createShareLink(memoId: string, expiresInHours: number): Promise<{ link: ShareLink; token: string }> {
    const actor = requireActor(this.scope);
    if (!Number.isInteger(expiresInHours) || expiresInHours < 1 || expiresInHours > 720) {
      throw new ValidationError('expiresInHours must be a whole number from 1 to 720 (30 days)', 'expiresInHours');
    }
    const memo = await this.get(memoId);
    if (memo.status !== MemoStatus.READY) throw new ValidationError('The memo is not ready yet', 'memoId');
    const { token, hash } = newOpaqueToken();
    const link = this.scope.em.create(ShareLink, {
      organizationId: actor.organizationId,
      memoId: memo.id,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + expiresInHours * 3600_000),
      createdById: actor.id,
    });
    await this.scope.em.flush();
    return { link, token };
  }

  async revokeShareLink(id: string): Promise<ShareLink> {
    const link = await findOrNotFound(this.scope.em, ShareLink, id, 'ShareLink');
    if (!link.revokedAt) {
      link.revokedAt = new Date();
      await this.scope.em.flush();
    }
    return link;
  }

  /**
   * Everything the PDF shows. A version saved with a snapshot (every version since memos became
   * snapshots) renders from what was true when it was saved, so the same version always gives the
   * same bytes; an older version is read from the current state.
   */
  async content(memo: Memo): Promise<MemoContent> {
    const uw = await this.scope.em.findOneOrFail(Underwriting, { id: memo.underwritingId });
    if (uw.memoContent) return reviveMemoContent(uw.memoContent);
    return memoContentFor(this.scope.em, this.scope.deps, memo.organizationId, memo.dealId, uw);
  }
}
