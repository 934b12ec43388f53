import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AutomationActionResult } from './AutomationParts.js';
import { AutomationRunStatus, AutomationTrigger } from './enums.js';
import { AutomationRunRepository } from './AutomationRunRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'One time a rule fired: trigger, object, actions taken, skipped, errors',
  simpleResolvers: true,
})
@Entity({ tableName: 'automation_runs', repository: () => AutomationRunRepository })
export class AutomationRun extends TenantEntity<'status'> {
  [EntityRepositoryType]?: AutomationRunRepository;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  ruleId!: string;

  /** The event it ran for (automation_events.id). */
  @Column({ type: 'bigint' })
  eventId!: string;

  @Field(() => AutomationTrigger)
  @Enum({ items: () => AutomationTrigger, nativeEnumName: 'automation_trigger' })
  trigger!: AutomationTrigger;

  @Field({ description: 'LEAD, DEAL, TASK or IMPORT' })
  @Column({ type: 'text' })
  objectType!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  objectId?: string;

  @Field(() => Int, { description: '0 for a person’s change; n when another rule’s run at n − 1 caused it' })
  @Column({ type: 'int' })
  depth!: number;

  @Field(() => AutomationRunStatus)
  @Enum({ items: () => AutomationRunStatus, nativeEnumName: 'automation_run_status' })
  status: AutomationRunStatus = AutomationRunStatus.RUNNING;

  @Column({ type: 'jsonb' })
  actions: AutomationActionResult[] = [];

  @Field({ nullable: true, description: 'SKIPPED: DEPTH_LIMIT or RATE_LIMITED' })
  @Column({ type: 'text', nullable: true })
  skippedReason?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  error?: string;
}
