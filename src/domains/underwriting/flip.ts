import { ValidationError } from '../../platform/errors/index.js';
import { nonNegative, positive, ratio, round, share, whole, type UndefinedRatio } from './inputs.js';

export type RepairLevel = 'LIGHT' | 'MEDIUM' | 'HEAVY';

/** Rehab cost per square foot by scope (documented in docs/underwriting.md). */
export const REPAIR_COST_PER_SQFT: Record<RepairLevel, number> = { LIGHT: 20, MEDIUM: 40, HEAVY: 70 };

export interface FlipInput {
  /** After-repair value. */
  arv: number;
  /** What we would pay; omit to get only the maximum allowable offer. */
  purchasePrice?: number | null;
  repairItems?: { label: string; amount: number }[] | null;
  repairLevel?: RepairLevel | null;
  squareFeet?: number | null;
  /** Share of the purchase price (default 2%). */
  buyingCostsPct?: number | null;
  /** Share of the ARV: commissions and closing when selling (default 8%). */
  sellingCostsPct?: number | null;
  holdingMonths?: number | null;
  /** Taxes, insurance, utilities per month while holding. */
  holdingCostPerMonth?: number | null;
  /** Hard-money style loan on purchase + repairs: share financed, annual interest-only rate, points. */
  financing?: { loanToCost: number; annualRate: number; pointsPct?: number | null } | null;
  /** Rule of thumb: offer at most this share of ARV minus repairs (default 0.70). */
  maoRulePct?: number | null;
  /** Profit we want; drives the target-profit maximum offer. */
  targetProfit?: number | null;
  /** Wholesale: our fee for assigning the contract to a buyer at purchasePrice + fee. */
  assignmentFee?: number | null;
}

export interface FlipNumbers {
  purchasePrice: number;
  buyingCosts: number;
  holdingCosts: number;
  financingCosts: number;
  loanAmount: number;
  sellingCosts: number;
  totalCost: number;
  profit: number;
  cashInvested: number;
  /** Null when no cash is invested. */
  roi: number | null;
  /** Null when ROI is, when the hold is 0 months, or when the loss exceeds the cash invested. */
  annualizedRoi: number | null;
  undefinedBecause: UndefinedRatio[];
}

export interface FlipResult {
  repairs: number;
  maoByRule: number;
  maoByTargetProfit: number | null;
  /** Our numbers at purchasePrice, when given. */
  deal: FlipNumbers | null;
  /** Wholesale: the end buyer pays purchasePrice + assignmentFee; their numbers. */
  wholesale: { assignmentFee: number; buyerPrice: number; buyer: FlipNumbers } | null;
}

export function analyzeFlip(input: FlipInput): FlipResult {
  const i = normalize(input);
  const repairs = repairTotal(input);
  const maoByRule = round(i.arv * i.maoRulePct - repairs);
  // Solve profit(P) = target for P; every cost is linear in P.
  const k = i.financing ? i.financing.pointsPct + (i.financing.annualRate / 12) * i.holdingMonths : 0;
  const ltc = i.financing?.loanToCost ?? 0;
  const maoByTargetProfit =
    input.targetProfit == null
      ? null
      : round(
          (i.arv -
            i.arv * i.sellingCostsPct -
            repairs -
            i.holdingCostPerMonth * i.holdingMonths -
            ltc * repairs * k -
            input.targetProfit) /
            (1 + i.buyingCostsPct + ltc * k),
        );
  const deal = input.purchasePrice == null ? null : numbers(i, repairs, input.purchasePrice);
  const wholesale =
    input.assignmentFee == null || input.purchasePrice == null
      ? null
      : {
          assignmentFee: input.assignmentFee,
          buyerPrice: input.purchasePrice + input.assignmentFee,
          buyer: numbers(i, repairs, input.purchasePrice + input.assignmentFee),
        };
  return { repairs, maoByRule, maoByTargetProfit, deal, wholesale };
}

type Normalized = Required<Pick<FlipInput, 'arv'>> & {
  buyingCostsPct: number;
  sellingCostsPct: number;
  holdingMonths: number;
  holdingCostPerMonth: number;
  maoRulePct: number;
  financing: { loanToCost: number; annualRate: number; pointsPct: number } | null;
};

function numbers(i: Normalized, repairs: number, purchasePrice: number): FlipNumbers {
  const buyingCosts = purchasePrice * i.buyingCostsPct;
  const holdingCosts = i.holdingCostPerMonth * i.holdingMonths;
  const loanAmount = i.financing ? i.financing.loanToCost * (purchasePrice + repairs) : 0;
  const financingCosts = i.financing
    ? loanAmount * i.financing.pointsPct + loanAmount * (i.financing.annualRate / 12) * i.holdingMonths
    : 0;
  const sellingCosts = i.arv * i.sellingCostsPct;
  const totalCost = purchasePrice + buyingCosts + repairs + holdingCosts + financingCosts + sellingCosts;
  const profit = i.arv - totalCost;
  const cashInvested = purchasePrice + buyingCosts + repairs + holdingCosts + financingCosts - loanAmount;
  const undefinedBecause: UndefinedRatio[] = [];
  const roi = ratio(
    profit,
    cashInvested,
    'roi',
    'No cash is invested: the loan covers everything paid before the sale',
    undefinedBecause,
  );
  let annualizedRoi: number | null = null;
  if (roi === null) undefinedBecause.push({ field: 'annualizedRoi', reason: 'ROI is undefined' });
  else if (i.holdingMonths === 0) undefinedBecause.push({ field: 'annualizedRoi', reason: 'The hold is 0 months' });
  else if (roi <= -1)
    undefinedBecause.push({ field: 'annualizedRoi', reason: 'The loss is at least the cash invested' });
  else annualizedRoi = (1 + roi) ** (12 / i.holdingMonths) - 1;
  return {
    purchasePrice,
    buyingCosts: round(buyingCosts),
    holdingCosts: round(holdingCosts),
    financingCosts: round(financingCosts),
    loanAmount: round(loanAmount),
    sellingCosts: round(sellingCosts),
    totalCost: round(totalCost),
    profit: round(profit),
    cashInvested: round(cashInvested),
    roi,
    annualizedRoi,
    undefinedBecause,
  };
}

function repairTotal(input: FlipInput): number {
  if (input.repairItems?.length) {
    if (input.repairItems.length > 500)
      throw new ValidationError('input.repairItems takes at most 500 lines', 'input.repairItems');
    input.repairItems.forEach((item, n) => nonNegative(item.amount, `input.repairItems[${n}].amount`));
    return round(input.repairItems.reduce((s, item) => s + item.amount, 0));
  }
  if (input.repairLevel) {
    const sqft = input.squareFeet;
    if (sqft == null || !Number.isFinite(sqft) || sqft <= 0 || sqft > 10_000_000) {
      throw new ValidationError('A repair level needs squareFeet above 0 and at most 10,000,000', 'input.squareFeet');
    }
    return round(REPAIR_COST_PER_SQFT[input.repairLevel] * sqft);
  }
  return 0;
}

function normalize(input: FlipInput): Normalized {
  positive(input.arv, 'input.arv');
  if (input.purchasePrice != null) nonNegative(input.purchasePrice, 'input.purchasePrice');
  if (input.assignmentFee != null) nonNegative(input.assignmentFee, 'input.assignmentFee');
  if (input.targetProfit != null) nonNegative(input.targetProfit, 'input.targetProfit');
  const f = input.financing;
  return {
    arv: input.arv,
    buyingCostsPct: share(input.buyingCostsPct ?? 0.02, 'input.buyingCostsPct'),
    sellingCostsPct: share(input.sellingCostsPct ?? 0.08, 'input.sellingCostsPct'),
    holdingMonths: whole(input.holdingMonths ?? 6, 'input.holdingMonths', 0, 120, 'months'),
    holdingCostPerMonth: nonNegative(input.holdingCostPerMonth ?? 0, 'input.holdingCostPerMonth'),
    maoRulePct: share(input.maoRulePct ?? 0.7, 'input.maoRulePct'),
    financing: f
      ? {
          loanToCost: share(f.loanToCost, 'input.financing.loanToCost'),
          annualRate: share(f.annualRate, 'input.financing.annualRate'),
          pointsPct: share(f.pointsPct ?? 0, 'input.financing.pointsPct'),
        }
      : null,
  };
}
