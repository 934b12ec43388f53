import { createHash } from 'node:crypto';
import { Deal, Memo, ShareLink, Underwriting } from '../../../entities/index.js';
import { MemoStatus } from '../../../entities/enums.js';
import { newOpaqueToken } from '../../platform/auth/tokens.js';
import { ValidationError } from '../../platform/errors/index.js';
import type { JobRun } from '../../platform/jobs/job-run.js';
import type { GenerateMemoJob } from '../../platform/jobs/queues.js';
import { Topics } from '../../platform/pubsub.js';
import { ObjectStorage } from '../../platform/storage/ObjectStorage.js';
import { memoContentFor, reviveMemoContent } from './memo-content.js';
import { renderMemo, type MemoContent } from './render-memo.js';
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
      memoId: memo.id,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + expiresInHours * 3600_000),
      createdById: actor.id,
    });
    await this.scope.em.flush();
    return { link, token };
  }

  /**
   * A share link opened (GET /share/:token): the READY memo it shows, counting the view; null for a
   * revoked or expired link or a memo that is not there.
   */
  async openShared(tokenHash: string): Promise<Memo | null> {
    const { em } = this.scope;
    const link = await em.findOne(ShareLink, { tokenHash });
    if (!link || link.revokedAt || link.expiresAt.getTime() <= Date.now()) return null;
    const memo = await em.findOne(Memo, { id: link.memoId });
    if (!memo || memo.status !== MemoStatus.READY || !memo.storageKey) return null;
    await em.execute('update share_links set views = views + 1, last_viewed_at = now() where id = ?', [link.id]);
    return memo;
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

  /**
   * The `generate-memo` job: renders the PDF, stores it under the organization's prefix, records its
   * SHA-256 and size, and announces memoReady. Safe to repeat: the same inputs render the same bytes
   * to the same key.
   */
  async render(job: JobRun<GenerateMemoJob>): Promise<{ sha256: string } | { status: 'GONE' }> {
    const { em, deps } = this.scope;
    const { organizationId, memoId } = job.data;
    const memo = await em.findOne(Memo, { id: memoId });
    if (!memo) return { status: 'GONE' };
    const content = await this.content(memo);
    await job.progress(40);
    const pdf = await renderMemo(content);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const key = ObjectStorage.key(organizationId, 'memos', `${memo.id}.pdf`);
    await deps.storage.put(key, pdf, 'application/pdf');
    await job.progress(90);
    Object.assign(memo, {
      status: MemoStatus.READY,
      storageKey: key,
      sha256,
      sizeBytes: pdf.length,
      readyAt: new Date(),
      error: undefined,
    });
    await em.flush();
    deps.pubsub.publish(Topics.MEMOS, organizationId, { organizationId, memoId });
    return { sha256 };
  }

  /** Rendering gave up: the memo is FAILED with the reason. */
  async renderGaveUp(data: GenerateMemoJob, error: string): Promise<void> {
    await this.scope.em.nativeUpdate(
      Memo,
      { id: data.memoId },
      { status: MemoStatus.FAILED, error: error.slice(0, 500) },
    );
  }
}
