import { Campaign, MarketingSpend } from '../../../entities/index.js';
import type { LeadSource } from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export interface SpendFields {
  source?: LeadSource | null;
  campaignId?: string | null;
  label?: string | null;
  amount?: number | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

/** The longest period one spend may cover (about ten years), in days. */
const MAX_PERIOD_DAYS = 3_660;
const MAX_AMOUNT = 1_000_000_000;

/** Marketing spend: what each lead source (and campaign) cost, over a period of days. */
export class SpendService {
  constructor(private readonly scope: ServiceScope) {}

  async record(input: SpendFields): Promise<MarketingSpend> {
    const actor = requireActor(this.scope);
    for (const f of ['source', 'label', 'amount', 'periodStart', 'periodEnd'] as const)
      if (input[f] == null) throw new ValidationError(`input.${f} is required`, `input.${f}`);
    const spend = this.scope.em.create(MarketingSpend, {
      source: input.source!,
      label: '',
      amount: 0,
      periodStart: '',
      periodEnd: '',
      createdById: actor.id,
    });
    await this.apply(spend, input);
    await this.scope.em.flush();
    this.scope.deps.analytics.changed(actor.organizationId);
    return spend;
  }

  async update(id: string, input: SpendFields): Promise<MarketingSpend> {
    const spend = await findOrNotFound(this.scope.em, MarketingSpend, id, 'MarketingSpend');
    await this.apply(spend, input);
    await this.scope.em.flush();
    this.scope.deps.analytics.changed(spend.organizationId);
    return spend;
  }

  async delete(id: string): Promise<boolean> {
    const spend = await findOrNotFound(this.scope.em, MarketingSpend, id, 'MarketingSpend');
    await this.scope.em.remove(spend).flush();
    this.scope.deps.analytics.changed(spend.organizationId);
    return true;
  }

  /** Spend whose period overlaps [from, to] (dates), optionally for one source; earliest first. */
  list(from: string, to: string, source?: LeadSource | null): Promise<MarketingSpend[]> {
    return this.scope.em.find(
      MarketingSpend,
      { periodStart: { $lte: to }, periodEnd: { $gte: from }, ...(source ? { source } : {}) },
      { orderBy: { periodStart: 'asc', id: 'asc' } },
    );
  }

  private async apply(spend: MarketingSpend, i: SpendFields): Promise<void> {
    if (i.source != null) spend.source = i.source;
    if (i.label != null) spend.label = v.requiredText(i.label, 'input.label', 200);
    if (i.amount != null) {
      if (!Number.isFinite(i.amount) || i.amount <= 0 || i.amount > MAX_AMOUNT)
        throw new ValidationError('input.amount must be more than 0 and at most 1,000,000,000', 'input.amount');
      spend.amount = Math.round(i.amount * 100) / 100;
    }
    if (i.periodStart != null) spend.periodStart = v.isoDate(i.periodStart, 'input.periodStart')!;
    if (i.periodEnd != null) spend.periodEnd = v.isoDate(i.periodEnd, 'input.periodEnd')!;
    const days = (Date.parse(spend.periodEnd) - Date.parse(spend.periodStart)) / 86_400_000;
    if (days < 0) throw new ValidationError('input.periodEnd is before input.periodStart', 'input.periodEnd');
    if (days > MAX_PERIOD_DAYS) throw new ValidationError('A spend covers at most ten years', 'input.periodEnd');
    if (i.campaignId !== undefined) spend.campaignId = i.campaignId ? await this.campaign(i.campaignId) : undefined;
  }

  /** Another organization's campaign looks like none: BAD_USER_INPUT naming the field. */
  private async campaign(id: string): Promise<string> {
    const found = v.isUuid(id) ? await this.scope.em.findOne(Campaign, { id: id.toLowerCase() }) : null;
    if (!found) throw new ValidationError('No such campaign in your organization', 'input.campaignId');
    return found.id;
  }
}
