import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../../../entities/index.js';
import { selectList, snapshotMapper } from '../../../entities/snapshot.js';
import { NotificationKind, type LeadSource, type LeadStatus } from '../../../entities/enums.js';
import type { LeadFilter, LeadOrderColumn } from '../../../entities/LeadRepository.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { NotFoundError, ValidationError } from '../../platform/errors/index.js';
import { executePrepared } from '../../platform/db/prepared.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { activeMember, findOrNotFound, isUuid, requireActor, type ServiceScope } from '../scope.js';

export interface LeadFields {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  source?: LeadSource | null;
  status?: LeadStatus | null;
  motivation?: string | null;
  propertyId?: string | null;
  assignedUserId?: string | null;
}

export class LeadService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<Lead> {
    return findOrNotFound(this.scope.em, Lead, id, 'Lead');
  }

  page(
    filter: LeadFilter,
    order: { column: LeadOrderColumn; direction: 'asc' | 'desc' },
    page: PageRequest,
  ): Promise<Page<Lead>> {
    return this.scope.em
      .getRepository(Lead)
      .page(requireActor(this.scope).organizationId, v.listFilter(filter), order, page);
  }

  async create(input: LeadFields): Promise<Lead> {
    const actor = requireActor(this.scope);
    if (input.firstName == null) throw new ValidationError('input.firstName is required', 'input.firstName');
    if (input.lastName == null) throw new ValidationError('input.lastName is required', 'input.lastName');
    const draft = new Lead();
    draft.organizationId = actor.organizationId;
    // Every field but the property as for an update; the insert looks the property up itself.
    await this.apply(draft, { ...input, propertyId: undefined });
    const propertyId = input.propertyId ?? null;
    if (propertyId !== null && !isUuid(propertyId)) throw new NotFoundError('Property', propertyId);
    const lead = await insertLead(this.scope.em, draft, propertyId?.toLowerCase() ?? null);
    if (!lead) throw new NotFoundError('Property', propertyId!);
    await this.announceCreated(lead);
    return lead;
  }

  /** LEAD_CREATED, and the assignee told; after the lead is committed (the intake path commits its own). */
  async announceCreated(lead: Lead): Promise<void> {
    publishPipelineEvent(this.scope, lead.organizationId, PipelineEventType.LEAD_CREATED, {
      leadId: lead.id,
      propertyId: lead.propertyId,
    });
    if (lead.assignedUserId) await this.announceAssignee(lead);
  }

  /**
   * Changes the lead. Announces LEAD_UPDATED when a field other than the assignee changed and
   * LEAD_ASSIGNED (with a notification to the new assignee, unless they made the change) when the
   * assignee did.
   */
  async update(id: string, input: LeadFields): Promise<Lead> {
    const actor = requireActor(this.scope);
    const lead = await this.get(id);
    const assignee = lead.assignedUserId;
    const before = fieldsOf(lead);
    await this.apply(lead, input);
    await this.scope.em.flush();
    const ids = { leadId: lead.id, propertyId: lead.propertyId };
    if (fieldsOf(lead) !== before)
      publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.LEAD_UPDATED, ids);
    if (lead.assignedUserId !== assignee) await this.announceAssignee(lead);
    return lead;
  }

  private async announceAssignee(lead: Lead): Promise<void> {
    const actor = requireActor(this.scope);
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.LEAD_ASSIGNED, {
      leadId: lead.id,
      propertyId: lead.propertyId,
    });
    await new NotificationService(this.scope).notifyOther(actor.id, {
      userId: lead.assignedUserId,
      kind: NotificationKind.LEAD_ASSIGNED,
      title: `Lead assigned to you: ${lead.firstName} ${lead.lastName}`,
      leadId: lead.id,
      actorUserId: actor.id,
    });
  }

  /** The property a lead is for, in the caller's organization (its id and score), or NOT_FOUND. */
  private async propertyOf(id: string): Promise<{ id: string; score: number | null }> {
    const actor = requireActor(this.scope);
    const [row] = isUuid(id)
      ? await this.scope.em.execute<{ id: string; score: number | null }[]>(
          'select id, score from properties where id = ? and organization_id = ?',
          [id.toLowerCase(), actor.organizationId],
        )
      : [];
    if (!row) throw new NotFoundError('Property', id);
    return row;
  }

  private async apply(lead: Lead, i: LeadFields): Promise<void> {
    if (i.firstName != null) lead.firstName = v.requiredText(i.firstName, 'input.firstName', 100);
    if (i.lastName != null) lead.lastName = v.requiredText(i.lastName, 'input.lastName', 100);
    if (i.email !== undefined)
      lead.email = i.email == null || i.email.trim() === '' ? undefined : v.email(i.email, 'input.email');
    if (i.phone !== undefined)
      lead.phone = i.phone == null || i.phone.trim() === '' ? undefined : v.phone(i.phone, 'input.phone');
    if (i.source != null) lead.source = i.source;
    if (i.status != null) lead.status = i.status;
    if (i.motivation !== undefined) lead.motivation = v.optionalText(i.motivation, 'input.motivation', 5000);
    if (i.propertyId !== undefined) {
      const property = i.propertyId == null ? null : await this.propertyOf(i.propertyId);
      lead.propertyId = property?.id;
      lead.score = property?.score ?? undefined; // the leads_copy_score trigger stores the same
    }
    if (i.assignedUserId !== undefined) {
      lead.assignedUserId =
        i.assignedUserId == null
          ? undefined
          : (await activeMember(this.scope.em, i.assignedUserId, 'input.assignedUserId')).id;
    }
  }
}

/** What LEAD_UPDATED reports a change of (everything a user edits but the assignee). */
function fieldsOf(l: Lead): string {
  return JSON.stringify([l.firstName, l.lastName, l.email, l.phone, l.source, l.status, l.motivation, l.propertyId]);
}

/** The columns a new lead is inserted with, beside its property's id and score. */
const INSERTED = [
  'id',
  'organizationId',
  'createdAt',
  'updatedAt',
  'firstName',
  'lastName',
  'email',
  'phone',
  'source',
  'status',
  'motivation',
  'assignedUserId',
  'openTaskCount',
] as const satisfies readonly (keyof Lead)[];

let statements:
  { withProperty: string; alone: string; toSnapshots: (rows: Record<string, unknown>[]) => Lead[] } | undefined;

/**
 * Inserts `draft` in one statement, without the unit of work and its BEGIN/COMMIT: the property
 * (with its score, which the leads_copy_score trigger would copy too) is read by the insert itself,
 * in the caller's tenant scope and audit context. Null when `propertyId` names no property of the
 * organization. The statement text is derived from the entity's metadata once per process.
 */
async function insertLead(em: EntityManager, draft: Lead, propertyId: string | null): Promise<Lead | null> {
  if (!statements) {
    const meta = em.getMetadata().find(Lead)!;
    const prop = (name: string) => meta.props.find((p) => p.name === name)!;
    const columns = [...INSERTED.map((n) => prop(n).fieldNames[0]), 'property_id', 'score'].join(', ');
    const values = [
      ...INSERTED.map((n) => (prop(n).nativeEnumName ? `?::${prop(n).nativeEnumName}` : '?')),
      'p.id',
      'p.score',
    ].join(', ');
    const insert = (from: string) =>
      `insert into ${meta.tableName} (${columns}) select ${values} from ${from} p returning ${selectList(meta)}`;
    statements = {
      withProperty: insert('(select id, score from properties where id = ? and organization_id = ?)'),
      alone: insert('(select null::uuid as id, null::double precision as score)'),
      toSnapshots: snapshotMapper<Lead>(meta, em.getPlatform()),
    };
  }
  const values = INSERTED.map((n) => draft[n] ?? null);
  const rows = propertyId
    ? await executePrepared(em, statements.withProperty, [...values, propertyId, draft.organizationId])
    : await executePrepared(em, statements.alone, values);
  return rows.length ? statements.toSnapshots(rows)[0]! : null;
}
