import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import type { DealOrderColumn } from '../../entities/DealRepository.js';
import { DealStage } from '../../entities/enums.js';
import { Connection, OrderDirection, PageArgs } from '../common/Connection.js';

export enum DealOrderField {
  CREATED_AT = 'createdAt',
  UPDATED_AT = 'updatedAt',
  STAGE_CHANGED_AT = 'stageChangedAt',
  CONTRACT_PRICE = 'contractPrice',
  EXPECTED_CLOSE_DATE = 'expectedCloseDate',
}
registerEnumType(DealOrderField, { name: 'DealOrderField' });

@InputType()
export class DealFilterInput {
  @Field({ nullable: true, description: 'Matches the title' })
  search?: string;

  @Field(() => [DealStage], { nullable: true })
  stages?: DealStage[];

  @Field(() => ID, { nullable: true })
  assignedUserId?: string;

  @Field(() => ID, { nullable: true })
  leadId?: string;

  @Field(() => ID, { nullable: true })
  propertyId?: string;

  @Field({ nullable: true })
  createdAfter?: Date;

  @Field({ nullable: true })
  createdBefore?: Date;
}

@InputType()
export class DealOrderBy {
  @Field(() => DealOrderField)
  field!: DealOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}

@ArgsType()
export class DealsArgs extends PageArgs {
  @Field(() => DealFilterInput, { nullable: true })
  filter?: DealFilterInput;

  @Field(() => DealOrderBy, { nullable: true, description: 'Default: newest first' })
  orderBy?: DealOrderBy;
}

export function dealOrder(o?: DealOrderBy): { column: DealOrderColumn; direction: 'asc' | 'desc' } {
  return { column: o?.field ?? DealOrderField.CREATED_AT, direction: o?.direction ?? OrderDirection.DESC };
}

export const DealConnection = Connection(Deal, 'Deal');
