import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import type { DealOrderColumn } from '../../entities/DealRepository.js';
import { DealStage } from '../../entities/enums.js';
import { Connection } from '../common/Connection.js';
import { ListArgs, listOrder, OrderBy, type OrderByShape } from '../common/ListArgs.js';

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

export const DealOrderBy = OrderBy<DealOrderColumn>(DealOrderField, 'Deal');

@ArgsType()
export class DealsArgs extends ListArgs(DealFilterInput, DealOrderBy) {}

export function dealOrder(o?: OrderByShape<DealOrderColumn>): { column: DealOrderColumn; direction: 'asc' | 'desc' } {
  return listOrder(o, DealOrderField.CREATED_AT);
}

export const DealConnection = Connection(Deal, 'Deal');
