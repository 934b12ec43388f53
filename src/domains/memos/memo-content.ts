import type { EntityManager } from '@mikro-orm/postgresql';
import { Activity, Deal, Lead, Organization, Property, type Underwriting } from '../../../entities/index.js';
import { Direction, UnderwritingKind } from '../../../entities/enums.js';
import { NotFoundError } from '../../platform/errors/index.js';
import type { AppDeps } from '../../platform/deps.js';
import { selectComps } from '../underwriting/comps.js';
import type { DcfResult } from '../underwriting/dcf.js';
import type { FlipResult } from '../underwriting/flip.js';
import type { RentalResult } from '../underwriting/rental.js';
import { scoreProperty } from '../underwriting/score.js';
import { pct, usd, type MemoContent } from './render-memo.js';

/** What of a version the memo prints (a saved row, or one about to be saved). */
export type MemoVersion = Pick<
  Underwriting,
  'kind' | 'version' | 'inputs' | 'outputs' | 'notes' | 'compIds' | 'createdAt'
>;

/**
 * Everything a memo of this version shows, read from the database and the property-data provider
 * now: the deal, lead, property and organization as they are, comps, score and hazards. Taken when a
 * version is saved and stored with it (Underwriting.memoContent), so a memo never changes after.
 */
export async function memoContentFor(
  em: EntityManager,
  deps: AppDeps,
  organizationId: string,
  dealId: string,
  uw: MemoVersion,
): Promise<MemoContent> {
  const [deal, org] = await Promise.all([
    em.findOneOrFail(Deal, { id: dealId }),
    em.findOne(Organization, { id: organizationId }),
  ]);
  const [property, lead] = await Promise.all([
    em.findOneOrFail(Property, { id: deal.propertyId }),
    em.findOneOrFail(Lead, { id: deal.leadId }),
  ]);
  if (!org) throw new NotFoundError('Organization', organizationId);
  const inbound = await em.count(Activity, {
    leadId: lead.id,
    direction: Direction.INBOUND,
    occurredAt: { $lte: uw.createdAt },
  });
  const score = scoreProperty({ ...property, inboundEngagements: inbound }, uw.createdAt);
  const { comps, arv } = await compsFor(deps, property, uw);
  const { figures, headline } = describe(uw);
  const drivers = score.contributions
    .filter((c) => c.feature !== 'baseline')
    .slice(0, 2)
    .map((c) => c.feature);
  const address = `${property.addressLine}, ${property.city}, ${property.state} ${property.zip}`;
  const kind = property.propertyType.toLowerCase().replace('_', ' ');
  return {
    title: `Investment memo — ${property.addressLine}`,
    asOf: uw.createdAt,
    organizationName: org.name,
    property: propertyFacts(property, address),
    deal: { title: deal.title, stage: deal.stage, lead: `${lead.firstName} ${lead.lastName}` },
    analysis: { kind: uw.kind, version: uw.version, figures, notes: uw.notes ?? null },
    comps,
    arv,
    score: {
      value: score.value.toFixed(2),
      drivers: score.contributions
        .slice(0, 6)
        .map((c) => [c.feature, `${c.impact > 0 ? '+' : ''}${c.impact} (${c.value})`]),
    },
    hazards: hazardLines(property),
    narrative:
      `${lead.firstName} ${lead.lastName} owns ${address}, a ${kind} ` +
      `the team is working at the ${deal.stage.toLowerCase().replace(/_/g, ' ')} stage. ${headline} ` +
      `The seller-motivation score is ${score.value.toFixed(0)} of 100, ` +
      `driven most by ${drivers.join(' and ') || 'the baseline'}.`,
  };
}

function propertyFacts(property: Property, address: string): MemoContent['property'] {
  return {
    address,
    type: property.propertyType,
    beds: String(property.bedrooms ?? '—'),
    baths: String(property.bathrooms ?? '—'),
    sqft: property.squareFeet?.toLocaleString('en-US') ?? '—',
    yearBuilt: String(property.yearBuilt ?? '—'),
    estimatedValue: usd(property.estimatedValue),
    owner: property.ownerName ?? '—',
  };
}

/** Hazard lines, each citing its source, date and confidence from the property's provenance. */
function hazardLines(property: Property): MemoContent['hazards'] {
  const hazards = property.enrichment?.hazards;
  if (!hazards) return [];
  const prov = property.enrichment?.provenance ?? {};
  const cite = (f: string) =>
    prov[f] ? ` (${prov[f]!.source}, ${prov[f]!.fetchedAt.slice(0, 10)}, confidence ${prov[f]!.confidence})` : '';
  return [
    ['Flood zone', `${hazards.floodZone}, ${hazards.floodRisk} risk${cite('floodZone')}`],
    ['Wildfire risk', `${hazards.wildfireRisk}${cite('wildfireRisk')}`],
    ['Heat risk', `${hazards.heatRisk}${cite('heatRisk')}`],
  ];
}

/** Stored snapshots are JSON: dates come back as strings. */
export function reviveMemoContent(stored: Record<string, unknown>): MemoContent {
  const content = stored as unknown as MemoContent;
  return { ...content, asOf: new Date(content.asOf) };
}

async function compsFor(
  deps: AppDeps,
  property: Property,
  uw: MemoVersion,
): Promise<Pick<MemoContent, 'comps' | 'arv'>> {
  if (!uw.compIds.length || property.latitude == null || property.longitude == null) return { comps: [], arv: null };
  const { latitude, longitude } = property;
  const sales = await deps.propertyData
    .sales({ latitude, longitude, radiusMiles: 25, zip: property.zip })
    .catch(() => null);
  if (!sales) return { comps: [], arv: null };
  const picked = selectComps({ ...property, latitude, longitude }, sales, {
    radiusMiles: 25,
    months: 120,
    limit: uw.compIds.length,
    pinned: uw.compIds,
    today: uw.createdAt,
  });
  return {
    comps: picked.comps.map((c) => ({
      address: `${c.addressLine}, ${c.city}`,
      saleDate: c.saleDate,
      salePrice: usd(c.salePrice),
      distance: c.distanceMiles.toFixed(2),
      adjustedPrice: usd(c.adjustedPrice),
    })),
    arv: picked.arv ? `${usd(picked.arv.value)} (range ${usd(picked.arv.low)}–${usd(picked.arv.high)})` : null,
  };
}

/** Key figures and a one-sentence headline per analysis kind. */
function describe(uw: MemoVersion): Described {
  if (uw.kind === UnderwritingKind.FLIP) return describeFlip(uw);
  if (uw.kind === UnderwritingKind.RENTAL) return describeRental(uw.outputs as unknown as RentalResult);
  return describeDcf(uw.outputs as unknown as DcfResult);
}

type Described = { figures: [string, string][]; headline: string };

function describeFlip(uw: MemoVersion): Described {
  const o = uw.outputs as unknown as FlipResult;
  const i = uw.inputs as { arv: number };
  const figures: [string, string][] = [
    ['ARV', usd(i.arv)],
    ['Repairs', usd(o.repairs)],
    ['Maximum offer (rule)', usd(o.maoByRule)],
    ['Maximum offer (target profit)', usd(o.maoByTargetProfit)],
  ];
  if (o.deal)
    figures.push(
      ['Purchase price', usd(o.deal.purchasePrice)],
      ['Profit', usd(o.deal.profit)],
      ['ROI', pct(o.deal.roi)],
      ['Annualized ROI', pct(o.deal.annualizedRoi)],
    );
  if (o.wholesale)
    figures.push(
      ['Assignment fee', usd(o.wholesale.assignmentFee)],
      ['End buyer profit', usd(o.wholesale.buyer.profit)],
    );
  return {
    figures,
    headline:
      `As a flip with an ARV of ${usd(i.arv)}, the maximum allowable offer is ${usd(o.maoByRule)}` +
      (o.deal ? ` and buying at ${usd(o.deal.purchasePrice)} leaves ${usd(o.deal.profit)} of profit` : '') +
      '.',
  };
}

function describeRental(o: RentalResult): Described {
  return {
    figures: [
      ['NOI', usd(o.noi)],
      ['Cap rate', pct(o.capRate)],
      ['Monthly payment', usd(o.monthlyPayment)],
      ['Annual cash flow', usd(o.annualCashFlow)],
      ['Cash-on-cash', pct(o.cashOnCash)],
      ['DSCR', o.dscr == null ? 'no debt' : o.dscr.toFixed(2)],
      ['Break-even occupancy', pct(o.breakEvenOccupancy)],
    ],
    headline:
      `As a rental it nets ${usd(o.noi)} a year (cap rate ${pct(o.capRate)}) and cash flows ` +
      `${usd(o.annualCashFlow)} after debt service.`,
  };
}

function describeDcf(o: DcfResult): Described {
  const irrText = (r: DcfResult['unleveredIrr']) => (r.status === 'OK' ? pct(r.irr) : 'not computable');
  return {
    figures: [
      ['Exit value', usd(o.exitValue)],
      ['NPV', usd(o.npv)],
      ['Unlevered IRR', irrText(o.unleveredIrr)],
      ['Levered IRR', irrText(o.leveredIrr)],
      ['Equity multiple', o.equityMultiple == null ? 'undefined (no equity)' : `${o.equityMultiple.toFixed(2)}x`],
    ],
    headline:
      `Held ${o.years.length} years, the discounted cash flow gives an NPV of ${usd(o.npv)} and a ` +
      `levered IRR of ${irrText(o.leveredIrr)}.`,
  };
}
