import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { AutomationTrigger } from './enums.js';
import type { AutomationAction, AutomationCondition, AutomationTriggerConfig } from './AutomationParts.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'When this happens (trigger), if these hold (conditions), do that (actions)',
  simpleResolvers: true,
})
@Entity({ tableName: 'automation_rules' })
export class AutomationRule extends TenantEntity<'enabled' | 'roundRobinNext' | 'consecutiveFailures'> {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => AutomationTrigger)
  @Enum({ items: () => AutomationTrigger, nativeEnumName: 'automation_trigger' })
  trigger!: AutomationTrigger;

  /** Trigger options (source, statuses, stages, days); shown through the `triggerConfig` field. */
  @Column({ type: 'jsonb' })
  triggerConfig!: AutomationTriggerConfig;

  @Column({ type: 'jsonb' })
  conditions!: AutomationCondition[];

  @Column({ type: 'jsonb' })
  actions!: AutomationAction[];

  @Field()
  @Column({ type: 'boolean' })
  enabled: boolean = true;

  /** Where round-robin assignment continues. */
  @Column({ type: 'int' })
  roundRobinNext: number = 0;

  @Field(() => Int, { description: 'Runs failed in a row; at 5 the rule is disabled and admins are told' })
  @Column({ type: 'int' })
  consecutiveFailures: number = 0;

  @Field({ nullable: true, description: 'Why the system disabled it' })
  @Column({ type: 'text', nullable: true })
  disabledReason?: string;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastRunAt?: Date;
}
