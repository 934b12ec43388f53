import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Deal, DealStageChange, Lead, Property } from '../../../entities/index.js';
import { selectList, snapshotMapper } from '../../../entities/snapshot.js';
import type { DealFilter, DealOrderColumn, StageTotal } from '../../../entities/DealRepository.js';
import { CLOSED_STAGES, DealStage, NotificationKind, Role } from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.js';
import { executePrepared } from '../../platform/db/prepared.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { activeMember, findOrNotFound, isUuid, requireActor, type ServiceScope } from '../scope.js';

export interface DealFields {
  title?: string | null;
  offerAmount?: number | null;
  contractPrice?: number | null;
  assignmentFee?: number | null;
  expectedCloseDate?: string | null;
  lostReason?: string | null;
  assignedUserId?: string | null;
}

export interface NewDeal extends DealFields {
  leadId: string;
  propertyId: string;
  stage?: DealStage | null;
}

export class DealService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<Deal> {
    return findOrNotFound(this.scope.em, Deal, id, 'Deal');
  }

  page(
    filter: DealFilter,
    order: { column: DealOrderColumn; direction: 'asc' | 'desc' },
    page: PageRequest,
  ): Promise<Page<Deal>> {
    return this.scope.em
      .getRepository(Deal)
      .page(requireActor(this.scope).organizationId, v.listFilter(filter), order, page);
  }

  /** Count and value per stage, every stage present (zeros included), in pipeline order. */
  async pipeline(): Promise<StageTotal[]> {
    const actor = requireActor(this.scope);
    const totals = await this.scope.em.getRepository(Deal).totalsByStage(actor.organizationId);
    const byStage = new Map(totals.map((t) => [t.stage, t]));
    return Object.values(DealStage).map((stage) => byStage.get(stage) ?? { stage, count: 0, totalValue: 0 });
  }

  async create(input: NewDeal): Promise<Deal> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const lead = await findOrNotFound(em, Lead, input.leadId, 'Lead');
    const property = await findOrNotFound(em, Property, input.propertyId, 'Property');
    if (property.archivedAt) throw new ValidationError('The property is archived', 'input.propertyId');
    const deal = new Deal();
    deal.organizationId = actor.organizationId;
    deal.leadId = lead.id;
    deal.propertyId = property.id;
    deal.stage = input.stage ?? DealStage.NEW;
    deal.title = `${lead.firstName} ${lead.lastName} — ${property.addressLine}, ${property.city}`;
    await this.apply(deal, input);
    if (deal.stage === DealStage.CLOSED_LOST && !deal.lostReason) {
      throw new ValidationError('A lost deal needs input.lostReason', 'input.lostReason');
    }
    em.persist(deal);
    em.create(DealStageChange, {
      dealId: deal.id,
      toStage: deal.stage,
      byUserId: actor.id,
      note: 'Created',
    });
    await em.flush();
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.DEAL_CREATED, {
      dealId: deal.id,
      toStage: deal.stage,
    });
    await this.notifyAssignee(deal);
    return deal;
  }

  async update(id: string, input: DealFields): Promise<Deal> {
    const actor = requireActor(this.scope);
    const deal = await this.get(id);
    const assignee = deal.assignedUserId;
    await this.apply(deal, input);
    await this.scope.em.flush();
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.DEAL_UPDATED, {
      dealId: deal.id,
      toStage: deal.stage,
    });
    if (deal.assignedUserId !== assignee) await this.notifyAssignee(deal);
    return deal;
  }

  /**
   * Moves a deal to another stage and appends to its history in one transaction. Reopening a
   * closed deal needs OWNER or ADMIN; losing one needs a reason (the note).
   */
  async move(id: string, stage: DealStage, note?: string | null): Promise<Deal> {
    const actor = requireActor(this.scope);
    const cleanNote = v.optionalText(note, 'note', 2000) ?? null;
    if (!isUuid(id)) throw new NotFoundError('Deal', id);
    const { deal, from } = await this.moveRow(id.toLowerCase(), stage, cleanNote);
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.DEAL_MOVED, {
      dealId: deal.id,
      fromStage: from,
      toStage: stage,
    });
    await new NotificationService(this.scope).notifyOther(actor.id, {
      userId: deal.assignedUserId,
      kind: NotificationKind.DEAL_MOVED,
      title: `${deal.title} moved from ${from} to ${stage}`,
      body: cleanNote ?? null,
      dealId: deal.id,
      leadId: deal.leadId,
      actorUserId: actor.id,
    });
    return deal;
  }

  /**
   * The move as one statement (the hottest write path, without the unit of work): the deal is
   * locked, so concurrent moves of one deal take turns and history never skips a stage; it is
   * updated and its stage change appended only when the move is allowed. When it is not, the
   * deal's current stage and lost reason say why, checked in the order the rules are documented.
   */
  private async moveRow(id: string, stage: DealStage, note: string | null): Promise<{ deal: Deal; from: DealStage }> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const st = moveStatement(em);
    const mayReopen = actor.role === Role.OWNER || actor.role === Role.ADMIN;
    const [row] = await executePrepared(em, st.sql, [
      id,
      actor.organizationId,
      stage,
      stage,
      note,
      stage,
      mayReopen,
      stage,
      note,
      randomUUID(),
      actor.organizationId,
      stage,
      actor.id,
      note,
    ]);
    if (!row) throw new NotFoundError('Deal', id);
    const from = row['old.stage'] as DealStage;
    const lostReason = row['old.lostReason'] as string | null;
    delete row['old.stage'];
    delete row['old.lostReason'];
    if (row.id == null) {
      if (from === stage) throw new ValidationError(`The deal is already in ${stage}`, 'stage');
      if (CLOSED_STAGES.has(from) && !mayReopen) {
        throw new ForbiddenError(`Only an OWNER or ADMIN can move a deal out of ${from}`);
      }
      if (stage === DealStage.CLOSED_LOST && !(note ?? lostReason)) {
        throw new ValidationError('Moving a deal to CLOSED_LOST needs a note saying why', 'note');
      }
      throw new Error(`moveDeal refused ${id} for no known reason`);
    }
    return { deal: st.toSnapshots([row])[0]!, from };
  }

  /** DEAL_ASSIGNED to the deal's (new) assignee, unless they assigned it to themselves. */
  private notifyAssignee(deal: Deal): Promise<boolean> {
    const actor = requireActor(this.scope);
    return new NotificationService(this.scope).notifyOther(actor.id, {
      userId: deal.assignedUserId,
      kind: NotificationKind.DEAL_ASSIGNED,
      title: `Deal assigned to you: ${deal.title}`,
      dealId: deal.id,
      leadId: deal.leadId,
      actorUserId: actor.id,
    });
  }

  private async apply(deal: Deal, i: DealFields): Promise<void> {
    if (i.title != null) deal.title = v.requiredText(i.title, 'input.title', 300);
    if (i.offerAmount !== undefined) deal.offerAmount = v.money(i.offerAmount, 'input.offerAmount');
    if (i.contractPrice !== undefined) deal.contractPrice = v.money(i.contractPrice, 'input.contractPrice');
    if (i.assignmentFee !== undefined) deal.assignmentFee = v.money(i.assignmentFee, 'input.assignmentFee');
    if (i.expectedCloseDate !== undefined)
      deal.expectedCloseDate = v.isoDate(i.expectedCloseDate, 'input.expectedCloseDate');
    if (i.lostReason !== undefined) deal.lostReason = v.optionalText(i.lostReason, 'input.lostReason', 2000);
    if (i.assignedUserId !== undefined) {
      deal.assignedUserId =
        i.assignedUserId == null
          ? undefined
          : (await activeMember(this.scope.em, i.assignedUserId, 'input.assignedUserId')).id;
    }
  }
}

let moveSql: { sql: string; toSnapshots: (rows: Record<string, unknown>[]) => Deal[] } | undefined;
/** moveDeal's statement, derived from the entities' metadata once per process. */
function moveStatement(em: EntityManager) {
  if (moveSql) return moveSql;
  const meta = em.getMetadata().find(Deal)!;
  const closed = [...CLOSED_STAGES].map((c) => `'${c}'`).join(', ');
  moveSql = {
    // The move's time is taken by the UPDATE, once the row lock is held: concurrent moves are
    // timed in the order they took turns, so the history read by time is a chain.
    sql: `with old as (select id, stage, lost_reason from deals where id = ? and organization_id = ? for update),
               upd as (update deals d set stage = ?::deal_stage, stage_changed_at = clock_timestamp(),
                              updated_at = clock_timestamp(),
                              lost_reason = case when ?::deal_stage = 'CLOSED_LOST' then coalesce(?, d.lost_reason)
                                                 else d.lost_reason end
                         from old
                        where d.id = old.id and old.stage <> ?::deal_stage
                          and (old.stage not in (${closed}) or ?::boolean)
                          and (?::deal_stage <> 'CLOSED_LOST' or coalesce(?, old.lost_reason) is not null)
                       returning ${selectList(meta, 'd')}),
               ins as (insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at,
                                                       by_user_id, note, created_at, updated_at)
                       select ?, ?, upd.id, old.stage, ?::deal_stage, upd."stageChangedAt", ?, ?,
                              upd."stageChangedAt", upd."stageChangedAt"
                         from upd cross join old)
          select old.stage as "old.stage", old.lost_reason as "old.lostReason", upd.*
            from old left join upd on true`,
    toSnapshots: snapshotMapper<Deal>(meta, em.getPlatform()),
  };
  return moveSql;
}
