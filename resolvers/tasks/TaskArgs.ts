import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { TaskStatus } from '../../entities/enums.js';
import { Task } from '../../entities/Task.js';
import type { TaskOrderColumn } from '../../entities/TaskRepository.js';
import { Connection } from '../common/Connection.js';
import { ListArgs, listOrder, OrderBy, type OrderByShape } from '../common/ListArgs.js';

export enum TaskOrderField {
  DUE_AT = 'dueAt',
  PRIORITY = 'priority',
  CREATED_AT = 'createdAt',
}
registerEnumType(TaskOrderField, { name: 'TaskOrderField' });

export enum TaskDue {
  OVERDUE = 'OVERDUE',
  TODAY = 'TODAY',
  NEXT_7_DAYS = 'NEXT_7_DAYS',
  NO_DATE = 'NO_DATE',
}
registerEnumType(TaskDue, {
  name: 'TaskDue',
  description:
    'In the organization’s time zone. OVERDUE: open, an all-day task before today or a timed one before now; ' +
    'TODAY and NEXT_7_DAYS: open, due from the start of today; NO_DATE: without a due time',
});

@InputType()
export class TaskFilterInput {
  @Field(() => ID, { nullable: true })
  assigneeId?: string;

  @Field(() => TaskDue, { nullable: true })
  due?: TaskDue;

  @Field(() => [TaskStatus], { nullable: true, description: 'Default: any (OPEN with a due window)' })
  statuses?: TaskStatus[];

  @Field(() => ID, { nullable: true })
  leadId?: string;

  @Field(() => ID, { nullable: true })
  dealId?: string;
}

export const TaskOrderBy = OrderBy<TaskOrderColumn>(TaskOrderField, 'Task');

@ArgsType()
export class TasksArgs extends ListArgs(TaskFilterInput, TaskOrderBy) {}

export function taskOrder(o?: OrderByShape<TaskOrderColumn>): { column: TaskOrderColumn; direction: 'asc' | 'desc' } {
  return listOrder(o, TaskOrderField.CREATED_AT);
}

export const TaskConnection = Connection(Task, 'Task');
