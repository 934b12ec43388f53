import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { LeadSource, LeadStatus } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import type { LeadOrderColumn } from '../../entities/LeadRepository.js';
import { Connection, OrderDirection, PageArgs } from '../common/Connection.js';

export enum LeadOrderField {
  CREATED_AT = 'createdAt',
  UPDATED_AT = 'updatedAt',
  LAST_NAME = 'lastName',
}
registerEnumType(LeadOrderField, { name: 'LeadOrderField' });

@InputType()
export class LeadFilterInput {
  @Field({ nullable: true, description: 'Matches name, email or phone' })
  search?: string;

  @Field(() => [LeadStatus], { nullable: true })
  statuses?: LeadStatus[];

  @Field(() => [LeadSource], { nullable: true })
  sources?: LeadSource[];

  @Field(() => ID, { nullable: true })
  assignedUserId?: string;

  @Field(() => ID, { nullable: true })
  propertyId?: string;

  @Field({ nullable: true })
  createdAfter?: Date;

  @Field({ nullable: true })
  createdBefore?: Date;
}

@InputType()
export class LeadOrderBy {
  @Field(() => LeadOrderField)
  field!: LeadOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}

@ArgsType()
export class LeadsArgs extends PageArgs {
  @Field(() => LeadFilterInput, { nullable: true })
  filter?: LeadFilterInput;

  @Field(() => LeadOrderBy, { nullable: true, description: 'Default: newest first' })
  orderBy?: LeadOrderBy;
}

export function leadOrder(o?: LeadOrderBy): { column: LeadOrderColumn; direction: 'asc' | 'desc' } {
  return { column: o?.field ?? LeadOrderField.CREATED_AT, direction: o?.direction ?? OrderDirection.DESC };
}

export const LeadConnection = Connection(Lead, 'Lead');
