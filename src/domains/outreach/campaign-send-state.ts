import type { EntityManager } from '@mikro-orm/postgresql';
import { Campaign, Lead, type CampaignRecipient } from '../../../entities/index.js';
import type { ConsentStatus, RecipientStatus } from '../../../entities/enums.js';
import { contactDecisionSql } from './ConsentService.js';

/** A recipient at send time, with what decides whether it may be sent to. */
export interface SendState {
  recipient: Pick<CampaignRecipient, 'id' | 'status' | 'toAddress' | 'timeZone' | 'leadId' | 'updatedAt'>;
  campaign: Campaign;
  lead: Lead | null;
  dnc: boolean;
  /** On the suppression list (an earlier hard bounce or complaint). */
  suppressed: boolean;
  consentStatus: ConsentStatus | null;
  /** Another campaign reached the lead within the frequency cap. */
  capped: boolean;
}

const SEND_STATE_SQL = `
  select r.id, r.status, r.to_address, r.time_zone, r.lead_id, r.updated_at,
         c.status as campaign_status, c.name, c.channel, c.template_id, c.window_start_hour, c.window_end_hour,
         c.frequency_cap_days, c.generation, c.created_by_id,
         l.first_name, l.last_name, l.property_id,
         ${contactDecisionSql('c.channel', 'r.to_address')},
         c.frequency_cap_days is not null and exists (
           select 1 from campaign_recipients o
            where o.organization_id = r.organization_id and o.lead_id = r.lead_id and o.campaign_id <> r.campaign_id
              and o.sent_at >= now() - make_interval(days => c.frequency_cap_days)) as capped
    from campaign_recipients r
    join campaigns c on c.id = r.campaign_id and c.organization_id = r.organization_id
    left join leads l on l.id = r.lead_id and l.organization_id = r.organization_id
   where r.organization_id = ? and r.campaign_id = ?
     and r.id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`;

/** The recipients, their campaign and leads, the consent decision's inputs and the frequency cap, in one statement. */
export async function loadSendStates(
  em: EntityManager,
  organizationId: string,
  campaignId: string,
  recipientIds: string[],
): Promise<SendState[]> {
  const rows = await em.execute<Record<string, unknown>[]>(SEND_STATE_SQL, [
    organizationId,
    campaignId,
    JSON.stringify(recipientIds),
  ]);
  if (!rows.length) return [];
  const campaign = campaignOf(rows[0]!, organizationId, campaignId);
  return rows.map((row) => ({
    recipient: {
      id: row.id as string,
      status: row.status as RecipientStatus,
      toAddress: (row.to_address as string | null) ?? undefined,
      timeZone: (row.time_zone as string | null) ?? undefined,
      leadId: row.lead_id as string,
      updatedAt: new Date(row.updated_at as string),
    },
    campaign,
    lead:
      row.first_name == null
        ? null
        : Object.assign(new Lead(), {
            id: row.lead_id,
            organizationId,
            firstName: row.first_name,
            lastName: row.last_name,
            propertyId: row.property_id ?? undefined,
          }),
    dnc: !!row.dnc,
    suppressed: !!row.suppressed,
    consentStatus: (row.consent_status as ConsentStatus | null) ?? null,
    capped: !!row.capped,
  }));
}

function campaignOf(row: Record<string, unknown>, organizationId: string, campaignId: string): Campaign {
  return Object.assign(new Campaign(), {
    id: campaignId,
    organizationId,
    status: row.campaign_status,
    name: row.name,
    channel: row.channel,
    templateId: row.template_id,
    windowStartHour: row.window_start_hour,
    windowEndHour: row.window_end_hour,
    frequencyCapDays: row.frequency_cap_days,
    generation: row.generation,
    createdById: row.created_by_id ?? undefined,
  });
}
