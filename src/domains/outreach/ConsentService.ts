import type { EntityManager } from '@mikro-orm/postgresql';
import { ConsentRecord, DoNotContact, Lead, Suppression } from '../../../entities/index.js';
import type { LeadFilter } from '../../../entities/LeadRepository.js';
import { ConsentStatus, MessageChannel } from '../../../entities/enums.js';
import { isUniqueViolation, NotFoundError, ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';

export type ContactBlock = 'DNC' | 'OPTED_OUT' | 'BOUNCED_BEFORE' | 'NO_CONSENT';

export interface ContactDecision {
  allowed: boolean;
  /** Why not, when not allowed. */
  reason: ContactBlock | null;
  latest: ConsentRecord | null;
}

/** Email addresses are lower-cased, phones turned into E.164, so every spelling is one contact point. */
export function normalizeContactPoint(channel: MessageChannel, value: string, field = 'contactPoint'): string {
  return channel === MessageChannel.EMAIL ? v.email(value, field) : v.phone(value, field);
}

/**
 * The send-time rule on what the ledger holds: the do-not-contact list first, then an opt-out, then
 * the suppression list (an earlier hard bounce or complaint), then the latest record (none = NO_CONSENT).
 */
export function contactBlock(
  onDoNotContactList: boolean,
  latest: ConsentStatus | null,
  suppressed = false,
): ContactBlock | null {
  if (onDoNotContactList) return 'DNC';
  if (latest === ConsentStatus.OPTED_OUT) return 'OPTED_OUT';
  if (suppressed) return 'BOUNCED_BEFORE';
  return latest ? null : 'NO_CONSENT';
}

/**
 * The same decision inside a bigger query (the campaign worker reads everything a send needs in one
 * statement): SQL columns `dnc`, `suppressed` and `consent_status` for the channel and contact point
 * expressions. "Latest" is by recorded_at, then created_at, then id — as in canContact.
 */
export function contactDecisionSql(channel: string, contactPoint: string): string {
  return `exists (select 1 from do_not_contact d where d.contact_point = ${contactPoint}) as dnc,
          exists (select 1 from suppressions s
                   where s.channel = ${channel} and s.contact_point = ${contactPoint}
                     and s.lifted_at is null) as suppressed,
          (select cr.status from consent_records cr where cr.channel = ${channel} and cr.contact_point = ${contactPoint}
            order by cr.recorded_at desc, cr.created_at desc, cr.id desc limit 1) as consent_status`;
}

/**
 * The send-time check every outreach send must pass: not on the do-not-contact list, not
 * suppressed, and the latest consent record for this channel and contact point is an opt-in.
 */
export async function canContact(
  em: EntityManager,
  channel: MessageChannel,
  contactPoint: string,
): Promise<ContactDecision> {
  const [dnc, latest, suppressed] = await Promise.all([
    em.findOne(DoNotContact, { contactPoint }, { disableIdentityMap: true }),
    em.findOne(
      ConsentRecord,
      { channel, contactPoint },
      { orderBy: { recordedAt: 'desc', createdAt: 'desc', id: 'desc' }, disableIdentityMap: true },
    ),
    em.count(Suppression, { channel, contactPoint, liftedAt: null }),
  ]);
  const reason = contactBlock(!!dnc, latest?.status ?? null, suppressed > 0);
  return { allowed: !reason, reason, latest };
}

const BULK_COLUMNS =
  'id, organization_id, channel, contact_point, status, source, evidence, recorded_at, recorded_by_id';

export class ConsentService {
  constructor(private readonly scope: ServiceScope) {}

  async record(input: {
    channel: MessageChannel;
    contactPoint: string;
    status: ConsentStatus;
    source: string;
    evidence?: string | null;
    recordedAt?: Date | null;
  }): Promise<ConsentRecord> {
    const actor = requireActor(this.scope);
    const recordedAt = input.recordedAt ?? new Date();
    if (Number.isNaN(recordedAt.getTime()) || recordedAt.getTime() > Date.now() + 5 * 60_000) {
      throw new ValidationError('input.recordedAt cannot be in the future', 'input.recordedAt');
    }
    const row = this.scope.em.create(ConsentRecord, {
      channel: input.channel,
      contactPoint: normalizeContactPoint(input.channel, input.contactPoint, 'input.contactPoint'),
      status: input.status,
      source: v.requiredText(input.source, 'input.source', 100).toUpperCase(),
      evidence: v.optionalText(input.evidence, 'input.evidence', 5_000),
      recordedAt,
      recordedById: actor.id,
    });
    await this.scope.em.flush();
    return row;
  }

  /**
   * Consent for many leads: the given ids (at most 10,000) or a lead filter (at most 50,000 matches),
   * one ledger entry per lead and channel where the lead has that contact point. Source and evidence
   * are required. One transaction: all of it is recorded, or (bad input) none.
   */
  async recordBulk(input: {
    leadIds?: string[] | null;
    filter?: LeadFilter | null;
    channels: MessageChannel[];
    status: ConsentStatus;
    source: string;
    evidence: string;
    recordedAt?: Date | null;
  }): Promise<{ leadsMatched: number; recorded: number; skippedNoContactPoint: number }> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    if ((input.leadIds == null) === (input.filter == null))
      throw new ValidationError('Give leadIds or filter (one of them)', 'input.leadIds');
    if (!input.channels.length) throw new ValidationError('Name at least one channel', 'input.channels');
    const source = v.requiredText(input.source, 'input.source', 100).toUpperCase();
    const evidence = v.requiredText(input.evidence, 'input.evidence', 5_000);
    const recordedAt = input.recordedAt ?? new Date();
    if (Number.isNaN(recordedAt.getTime()) || recordedAt.getTime() > Date.now() + 5 * 60_000)
      throw new ValidationError('input.recordedAt cannot be in the future', 'input.recordedAt');
    const leads = await this.bulkLeads(input.leadIds, input.filter);
    const channels = [...new Set(input.channels)];
    const rows = leads.flatMap((lead) =>
      channels.flatMap((channel) => {
        const point = channel === MessageChannel.SMS ? lead.phone : lead.email;
        if (!point) return [];
        return [
          {
            id: crypto.randomUUID(),
            organization_id: actor.organizationId,
            channel,
            contact_point: point,
            status: input.status,
            source,
            evidence,
            recorded_at: recordedAt.toISOString(),
            recorded_by_id: actor.id,
          },
        ];
      }),
    );
    await em.transactional(async (tem) => {
      for (let i = 0; i < rows.length; i += 5_000)
        await tem.execute(
          `insert into consent_records (${BULK_COLUMNS})
           select ${BULK_COLUMNS} from json_populate_recordset(null::consent_records, ?::json)`,
          [JSON.stringify(rows.slice(i, i + 5_000))],
        );
    });
    return {
      leadsMatched: leads.length,
      recorded: rows.length,
      skippedNoContactPoint: leads.length * channels.length - rows.length,
    };
  }

  private async bulkLeads(
    ids: string[] | null | undefined,
    filter: LeadFilter | null | undefined,
  ): Promise<Pick<Lead, 'id' | 'phone' | 'email'>[]> {
    const { em } = this.scope;
    const fields = { fields: ['id', 'phone', 'email'] as never, disableIdentityMap: true };
    if (ids) {
      if (!ids.length) throw new ValidationError('input.leadIds is empty', 'input.leadIds');
      if (ids.length > 10_000) throw new ValidationError('At most 10,000 leadIds at once', 'input.leadIds');
      const wanted = [...new Set(ids.map((id, i) => v.uuid(id, `input.leadIds[${i}]`)))];
      const found = await em.find(Lead, { id: { $in: wanted } }, fields);
      if (found.length !== wanted.length) {
        const have = new Set(found.map((l) => l.id));
        throw new NotFoundError(
          'Lead',
          wanted.find((id) => !have.has(id))!,
        );
      }
      return found;
    }
    const where = em.getRepository(Lead).where(v.listFilter(filter!, 'input.filter'));
    const count = await em.count(Lead, where);
    if (count > 50_000)
      throw new ValidationError(`The filter matches ${count} leads; at most 50,000 at once`, 'input.filter');
    return em.find(Lead, where, fields);
  }

  history(channel: MessageChannel, contactPoint: string): Promise<ConsentRecord[]> {
    const point = normalizeContactPoint(channel, contactPoint);
    return this.scope.em.find(
      ConsentRecord,
      { channel, contactPoint: point },
      { orderBy: { recordedAt: 'desc', createdAt: 'desc', id: 'desc' } },
    );
  }

  status(channel: MessageChannel, contactPoint: string): Promise<ContactDecision> {
    return canContact(this.scope.em, channel, normalizeContactPoint(channel, contactPoint));
  }

  /** Adds an email or phone to the do-not-contact list (idempotent). */
  async addDoNotContact(contactPoint: string, reason?: string | null): Promise<DoNotContact> {
    const actor = requireActor(this.scope);
    const point = contactPoint.includes('@')
      ? normalizeContactPoint(MessageChannel.EMAIL, contactPoint)
      : normalizeContactPoint(MessageChannel.SMS, contactPoint);
    const existing = await this.scope.em.findOne(DoNotContact, { contactPoint: point });
    if (existing) return existing;
    const row = this.scope.em.create(DoNotContact, {
      contactPoint: point,
      reason: v.optionalText(reason, 'reason', 500),
      addedById: actor.id,
    });
    try {
      await this.scope.em.flush();
      return row;
    } catch (err) {
      // Two requests added the same contact point at once: the other one's row is the answer.
      if (!isUniqueViolation(err)) throw err;
      return this.scope.em.fork().findOneOrFail(DoNotContact, { contactPoint: point });
    }
  }

  async removeDoNotContact(contactPoint: string): Promise<boolean> {
    const point = contactPoint.includes('@')
      ? normalizeContactPoint(MessageChannel.EMAIL, contactPoint)
      : normalizeContactPoint(MessageChannel.SMS, contactPoint);
    return (await this.scope.em.nativeDelete(DoNotContact, { contactPoint: point })) > 0;
  }

  doNotContact(): Promise<DoNotContact[]> {
    return this.scope.em.find(DoNotContact, {}, { orderBy: { createdAt: 'desc', id: 'asc' } });
  }
}
