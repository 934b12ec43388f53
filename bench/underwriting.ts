import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { Role, UnderwritingKind } from '../entities/enums.js';
import { Memo, Organization, User } from '../entities/index.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { renderMemo } from '../src/domains/memos/render-memo.js';
import { createServices } from '../src/domains/index.js';
import { MemoService } from '../src/domains/memos/MemoService.js';
import { ObjectStorage } from '../src/platform/storage/ObjectStorage.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { SCORE_MODEL } from '../src/domains/underwriting/score-model.js';
import { scoreProperty } from '../src/domains/underwriting/score.js';
import { fmt } from './lib.js';

const pctl = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Memo generation: the job's whole work (gather from Postgres and the provider, render, hash,
 * store in S3) per memo, p50/p95 over 30 memos; baseline: pdfkit rendering a bare document of the
 * same length in the same run. Score: the explainable score for 100,000 properties; baseline: a
 * bare weighted sum over the same precomputed signals.
 */
export async function benchUnderwriting(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const org = new Organization();
  org.name = 'Memo bench';
  const results = await runAsTenant(org.id, async () => {
    const em = forkForTenant(deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      organizationId: org.id,
      email: `memo-${org.id}@example.com`,
      name: 'M',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    const actor = { id: user.id, organizationId: org.id, role: Role.OWNER };
    const s = createServices({ em: forkForTenant(deps.orm, org.id), actor, deps });
    const p = await s.properties.create({
      addressLine: '500 Bench Memo Rd',
      city: 'Austin',
      state: 'TX',
      zip: '78745',
      squareFeet: 1500,
      bedrooms: 3,
      bathrooms: 2,
      yearBuilt: 1980,
      estimatedValue: 300_000,
      latitude: 30.207,
      longitude: -97.796,
    });
    const lead = await s.leads.create({ firstName: 'Bench', lastName: 'Seller', propertyId: p.id });
    const deal = await s.deals.create({ leadId: lead.id, propertyId: p.id });
    const sales = (await deps.propertyData.sales({
      latitude: 30.207,
      longitude: -97.796,
      radiusMiles: 3,
      zip: '78745',
    }))!;
    const uw = await s.underwritings.save(deal.id, {
      kind: UnderwritingKind.FLIP,
      flip: { arv: 320_000, purchasePrice: 180_000, repairLevel: 'MEDIUM', squareFeet: 1500 },
      compIds: sales.slice(0, 6).map((x) => x.id),
    });

    const jobMs: number[] = [];
    const baseMs: number[] = [];
    let pages = 0;
    for (let i = 0; i < 30; i++) {
      const memo = await s.memos.request(deal.id, uw.id);
      const t0 = performance.now();
      const mem = forkForTenant(deps.orm, org.id);
      const content = await new MemoService({ em: mem, actor: null, deps }).content(
        await mem.findOneOrFail(Memo, { id: memo.id }),
      );
      const pdf = await renderMemo(content);
      createHash('sha256').update(pdf).digest('hex');
      await deps.storage.put(ObjectStorage.key(org.id, 'memos', `${memo.id}.pdf`), pdf, 'application/pdf');
      jobMs.push(performance.now() - t0);
      pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
      const t1 = performance.now();
      await bareDocument(60);
      baseMs.push(performance.now() - t1);
    }
    await deps.queues.memo.obliterate({ force: true });
    return { jobMs, baseMs, pages };
  });
  await deps.close();

  // Score: 100,000 synthetic properties.
  const facts = Array.from({ length: 100_000 }, (_, i) => ({
    estimatedValue: 150_000 + (i % 50) * 5_000,
    lastSalePrice: 80_000 + (i % 37) * 3_000,
    lastSaleDate: `${1995 + (i % 28)}-0${1 + (i % 9)}-15`,
    ownerOccupied: i % 3 === 0,
    yearBuilt: 1940 + (i % 80),
    tags: i % 5 === 0 ? ['vacant'] : i % 7 === 0 ? ['tax-delinquent', 'lien'] : [],
    inboundEngagements: i % 6,
  }));
  const today = new Date('2026-11-23T00:00:00Z');
  let t = performance.now();
  let checksum = 0;
  for (const f of facts) checksum += scoreProperty(f, today).value;
  const scoreSeconds = (performance.now() - t) / 1000;
  const weights = Object.values(SCORE_MODEL.weights);
  const signals = facts.map((_, i) => weights.map((__, k) => ((i + k) % 10) / 10));
  t = performance.now();
  let bare = 0;
  for (const sig of signals) {
    let v = SCORE_MODEL.baseline;
    for (let k = 0; k < weights.length; k++) v += weights[k]! * sig[k]!;
    bare += v;
  }
  const bareSeconds = (performance.now() - t) / 1000;

  console.log(`\nMemo generation (${results.pages}-page memo, 30 memos)`);
  console.log(
    `  full job (gather, render, hash, store)   p50 ${fmt(pctl(results.jobMs, 50))} ms  p95 ` +
      `${fmt(pctl(results.jobMs, 95))} ms`,
  );
  console.log(
    `  baseline: bare pdfkit document           p50 ${fmt(pctl(results.baseMs, 50))} ms  p95 ` +
      `${fmt(pctl(results.baseMs, 95))} ms`,
  );
  console.log('\nScore computation, 100,000 properties');
  console.log(`  explainable score (signals + contributions)  ${fmt(100_000 / scoreSeconds, 0)} properties/s`);
  console.log(
    `  baseline: bare weighted sum                  ${fmt(100_000 / bareSeconds, 0)} properties/s   ` +
      `(checksums ${checksum.toFixed(0)} / ${bare.toFixed(0)})`,
  );
  return {
    memo: {
      p50: pctl(results.jobMs, 50),
      p95: pctl(results.jobMs, 95),
      baselineP50: pctl(results.baseMs, 50),
      baselineP95: pctl(results.baseMs, 95),
    },
    score: { perSecond: 100_000 / scoreSeconds, baselinePerSecond: 100_000 / bareSeconds },
  };
}

/** The baseline: a document with `lines` lines of text and nothing else. */
function bareDocument(lines: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
  for (let i = 0; i < lines; i++) doc.text(`Line ${i}: the quick brown fox jumps over the lazy dog, $123,456.`);
  doc.end();
  return done;
}
