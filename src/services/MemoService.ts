import { Activity, Deal, Lead, Memo, Organization, Property, ShareLink, Underwriting } from '../../entities/index.js';
import { Direction, MemoStatus, UnderwritingKind } from '../../entities/enums.js';
import { newOpaqueToken } from '../auth/tokens.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import { pct, usd, type MemoContent } from '../memos/render-memo.js';
import { selectComps } from '../underwriting/comps.js';
import type { DcfResult } from '../underwriting/dcf.js';
import type { FlipResult } from '../underwriting/flip.js';
import type { RentalResult } from '../underwriting/rental.js';
import { scoreProperty } from '../underwriting/score.js';
import { findOrNotFound, requireActor, type ServiceScope } from './scope.js';

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
    const memo = em.create(Memo, { organizationId: actor.organizationId, dealId: deal.id, underwritingId: uw.id, createdById: actor.id });
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

  /** Everything the PDF shows, read now; the job renders it. */
  async content(memo: Memo): Promise<MemoContent> {
    const { em, deps } = this.scope;
    const [deal, uw, org] = await Promise.all([
      em.findOneOrFail(Deal, { id: memo.dealId }),
      em.findOneOrFail(Underwriting, { id: memo.underwritingId }),
      em.findOne(Organization, { id: memo.organizationId }),
    ]);
    const [property, lead] = await Promise.all([em.findOneOrFail(Property, { id: deal.propertyId }), em.findOneOrFail(Lead, { id: deal.leadId })]);
    if (!org) throw new NotFoundError('Organization', memo.organizationId);
    const inbound = await em.count(Activity, { leadId: lead.id, direction: Direction.INBOUND, occurredAt: { $lte: uw.createdAt } });
    const score = scoreProperty({ ...property, inboundEngagements: inbound }, uw.createdAt);

    let comps: MemoContent['comps'] = [];
    let arv: string | null = null;
    if (uw.compIds.length && property.latitude != null && property.longitude != null) {
      const sales = await deps.propertyData.sales({ latitude: property.latitude, longitude: property.longitude, radiusMiles: 25, zip: property.zip }).catch(() => null);
      if (sales) {
        const picked = selectComps({ ...property, latitude: property.latitude, longitude: property.longitude }, sales, {
          radiusMiles: 25, months: 120, limit: uw.compIds.length, pinned: uw.compIds, today: uw.createdAt,
        });
        comps = picked.comps.map((c) => ({ address: `${c.addressLine}, ${c.city}`, saleDate: c.saleDate, salePrice: usd(c.salePrice), distance: c.distanceMiles.toFixed(2), adjustedPrice: usd(c.adjustedPrice) }));
        arv = picked.arv ? `${usd(picked.arv.value)} (range ${usd(picked.arv.low)}–${usd(picked.arv.high)})` : null;
      }
    }
    const hazards = property.enrichment?.hazards;
    const prov = property.enrichment?.provenance ?? {};
    const cite = (f: string) => (prov[f] ? ` (${prov[f]!.source}, ${prov[f]!.fetchedAt.slice(0, 10)}, confidence ${prov[f]!.confidence})` : '');
    const address = `${property.addressLine}, ${property.city}, ${property.state} ${property.zip}`;
    const { figures, headline } = describe(uw);
    return {
      title: `Investment memo — ${property.addressLine}`,
      asOf: uw.createdAt,
      organizationName: org.name,
      property: {
        address,
        type: property.propertyType,
        beds: String(property.bedrooms ?? '—'),
        baths: String(property.bathrooms ?? '—'),
        sqft: property.squareFeet?.toLocaleString('en-US') ?? '—',
        yearBuilt: String(property.yearBuilt ?? '—'),
        estimatedValue: usd(property.estimatedValue),
        owner: property.ownerName ?? '—',
      },
      deal: { title: deal.title, stage: deal.stage, lead: `${lead.firstName} ${lead.lastName}` },
      analysis: { kind: uw.kind, version: uw.version, figures, notes: uw.notes ?? null },
      comps,
      arv,
      score: { value: score.value.toFixed(2), drivers: score.contributions.slice(0, 6).map((c) => [c.feature, `${c.impact > 0 ? '+' : ''}${c.impact} (${c.value})`]) },
      hazards: hazards
        ? [
            ['Flood zone', `${hazards.floodZone}, ${hazards.floodRisk} risk${cite('floodZone')}`],
            ['Wildfire risk', `${hazards.wildfireRisk}${cite('wildfireRisk')}`],
            ['Heat risk', `${hazards.heatRisk}${cite('heatRisk')}`],
          ]
        : [],
      narrative:
        `${lead.firstName} ${lead.lastName} owns ${address}, a ${property.propertyType.toLowerCase().replace('_', ' ')} ` +
        `the team is working at the ${deal.stage.toLowerCase().replace(/_/g, ' ')} stage. ${headline} ` +
        `The seller-motivation score is ${score.value.toFixed(0)} of 100, driven most by ${score.contributions.filter((c) => c.feature !== 'baseline').slice(0, 2).map((c) => c.feature).join(' and ') || 'the baseline'}.`,
    };
  }
}

/** Key figures and a one-sentence headline per analysis kind. */
function describe(uw: Underwriting): { figures: [string, string][]; headline: string } {
  if (uw.kind === UnderwritingKind.FLIP) {
    const o = uw.outputs as unknown as FlipResult;
    const i = uw.inputs as { arv: number };
    const figures: [string, string][] = [
      ['ARV', usd(i.arv)],
      ['Repairs', usd(o.repairs)],
      ['Maximum offer (rule)', usd(o.maoByRule)],
      ['Maximum offer (target profit)', usd(o.maoByTargetProfit)],
    ];
    if (o.deal) figures.push(['Purchase price', usd(o.deal.purchasePrice)], ['Profit', usd(o.deal.profit)], ['ROI', pct(o.deal.roi)], ['Annualized ROI', pct(o.deal.annualizedRoi)]);
    if (o.wholesale) figures.push(['Assignment fee', usd(o.wholesale.assignmentFee)], ['End buyer profit', usd(o.wholesale.buyer.profit)]);
    return { figures, headline: `As a flip with an ARV of ${usd(i.arv)}, the maximum allowable offer is ${usd(o.maoByRule)}${o.deal ? ` and buying at ${usd(o.deal.purchasePrice)} leaves ${usd(o.deal.profit)} of profit` : ''}.` };
  }
  if (uw.kind === UnderwritingKind.RENTAL) {
    const o = uw.outputs as unknown as RentalResult;
    return {
      figures: [['NOI', usd(o.noi)], ['Cap rate', pct(o.capRate)], ['Monthly payment', usd(o.monthlyPayment)], ['Annual cash flow', usd(o.annualCashFlow)], ['Cash-on-cash', pct(o.cashOnCash)], ['DSCR', o.dscr == null ? 'no debt' : o.dscr.toFixed(2)], ['Break-even occupancy', pct(o.breakEvenOccupancy)]],
      headline: `As a rental it nets ${usd(o.noi)} a year (cap rate ${pct(o.capRate)}) and cash flows ${usd(o.annualCashFlow)} after debt service.`,
    };
  }
  const o = uw.outputs as unknown as DcfResult;
  const irrText = (r: DcfResult['unleveredIrr']) => (r.status === 'OK' ? pct(r.irr) : 'not computable');
  return {
    figures: [['Exit value', usd(o.exitValue)], ['NPV', usd(o.npv)], ['Unlevered IRR', irrText(o.unleveredIrr)], ['Levered IRR', irrText(o.leveredIrr)], ['Equity multiple', o.equityMultiple == null ? 'undefined (no equity)' : `${o.equityMultiple.toFixed(2)}x`]],
    headline: `Held ${o.years.length} years, the discounted cash flow gives an NPV of ${usd(o.npv)} and a levered IRR of ${irrText(o.leveredIrr)}.`,
  };
}

