import { Field, InputType } from 'type-graphql';

@InputType()
export class RegisterInput {
  @Field()
  email!: string;

  @Field({ description: 'At least 10 characters' })
  password!: string;

  @Field({ description: 'Your name' })
  name!: string;

  @Field({ description: 'The organization (team) to create; you become its OWNER' })
  organizationName!: string;
}

@InputType()
export class LoginInput {
  @Field()
  email!: string;

  @Field()
  password!: string;
}

@InputType()
export class AcceptInvitationInput {
  @Field({ description: 'The token from inviteUser' })
  token!: string;

  @Field()
  name!: string;

  @Field()
  password!: string;
}
