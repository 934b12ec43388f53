import { ArgsType, Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { LeadSource, LeadStatus } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import type { LeadOrderColumn } from '../../entities/LeadRepository.js';
import { Connection } from '../common/Connection.js';
import { ListArgs, listOrder, OrderBy, type OrderByShape } from '../common/ListArgs.js';

export enum LeadOrderField {
  CREATED_AT = 'createdAt',
  UPDATED_AT = 'updatedAt',
  LAST_NAME = 'lastName',
  LAST_CONTACTED_AT = 'lastContactedAt',
  NEXT_TASK_AT = 'nextTaskAt',
  OPEN_TASK_COUNT = 'openTaskCount',
  LAST_ACTIVITY_AT = 'lastActivityAt',
  /** The property's stored score (leads without one last). */
  SCORE = 'score',
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

  @Field({ nullable: true, description: 'true: contacted at least once; false: never contacted' })
  contacted?: boolean;

  @Field({ nullable: true })
  lastContactedBefore?: Date;

  @Field({ nullable: true })
  lastContactedAfter?: Date;

  @Field({ nullable: true, description: 'true: has an open task; false: none' })
  hasOpenTasks?: boolean;

  @Field({ nullable: true, description: 'Earliest open task due before this time' })
  nextTaskBefore?: Date;

  @Field({ nullable: true, description: 'true: a reply waits for an answer' })
  awaitingReply?: boolean;

  @Field(() => Float, { nullable: true, description: "Property's score at least this (0–100)" })
  minScore?: number;

  @Field(() => Float, { nullable: true, description: "Property's score at most this (0–100)" })
  maxScore?: number;
}

export const LeadOrderBy = OrderBy<LeadOrderColumn>(LeadOrderField, 'Lead');

@ArgsType()
export class LeadsArgs extends ListArgs(LeadFilterInput, LeadOrderBy) {}

export function leadOrder(o?: OrderByShape<LeadOrderColumn>): { column: LeadOrderColumn; direction: 'asc' | 'desc' } {
  return listOrder(o, LeadOrderField.CREATED_AT);
}

export const LeadConnection = Connection(Lead, 'Lead');
