import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { Memo } from '../entities/index.js';
import { MemoStatus } from '../entities/enums.js';
import { renderMemo } from '../src/domains/memos/render-memo.js';
import { Topics } from '../src/platform/pubsub.js';
import type { GenerateMemoJob } from '../src/platform/jobs/queues.js';
import { MemoService } from '../src/domains/memos/MemoService.js';
import type { AppDeps } from '../src/domains/scope.js';
import { ObjectStorage } from '../src/platform/storage/ObjectStorage.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { GenerateMemoJob };

/**
 * Renders a memo PDF, stores it under the organization's prefix, records its SHA-256 and size,
 * and announces memoReady. Safe to repeat: the same inputs render the same bytes to the same key.
 */
export function generateMemoProcessor(deps: AppDeps) {
  return (job: Job<GenerateMemoJob>) => runAsTenant(job.data.organizationId, () => generate(deps, job));
}

async function generate(deps: AppDeps, job: Job<GenerateMemoJob>): Promise<{ sha256: string } | { status: 'GONE' }> {
  const { organizationId, memoId } = job.data;
  const em = forkForTenant(deps.orm, organizationId);
  const memo = await em.findOne(Memo, { id: memoId });
  if (!memo) return { status: 'GONE' };
  const content = await new MemoService({ em, actor: null, deps }).content(memo);
  await job.updateProgress(40);
  const pdf = await renderMemo(content);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const key = ObjectStorage.key(organizationId, 'memos', `${memo.id}.pdf`);
  await deps.storage.put(key, pdf, 'application/pdf');
  await job.updateProgress(90);
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

export async function markMemoFailed(deps: AppDeps, data: GenerateMemoJob, error: string): Promise<void> {
  await runAsTenant(data.organizationId, () =>
    forkForTenant(deps.orm, data.organizationId).nativeUpdate(
      Memo,
      { id: data.memoId },
      { status: MemoStatus.FAILED, error: error.slice(0, 500) },
    ),
  );
}
