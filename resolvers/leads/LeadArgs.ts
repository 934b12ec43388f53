import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { LeadSource, LeadStatus } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import type { LeadOrderColumn } from '../../entities/LeadRepository.js';
import { Connection } from '../common/Connection.js';
import { ListArgs, listOrder, OrderBy, type OrderByShape } from '../common/ListArgs.js';

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

export const LeadOrderBy = OrderBy<LeadOrderColumn>(LeadOrderField, 'Lead');

@ArgsType()
export class LeadsArgs extends ListArgs(LeadFilterInput, LeadOrderBy) {}

export function leadOrder(o?: OrderByShape<LeadOrderColumn>): { column: LeadOrderColumn; direction: 'asc' | 'desc' } {
  return listOrder(o, LeadOrderField.CREATED_AT);
}

export const LeadConnection = Connection(Lead, 'Lead');
