import { Field, InputType, ObjectType } from 'type-graphql';
import { Role } from '../../entities/enums.js';
import { Invitation } from '../../entities/Invitation.js';

@InputType()
export class InviteUserInput {
  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;
}

@ObjectType()
export class InvitationPayload {
  @Field(() => Invitation)
  invitation!: Invitation;

  @Field({ description: 'Shown only now; give it to the invitee for acceptInvitation' })
  token!: string;
}
