import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'One sign-in of yours (a browser, a phone, a script), active until revoked, signed out or expired',
  simpleResolvers: true,
})
export class Session {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'When you signed in' })
  createdAt!: Date;

  @Field({ description: 'When its access token was last renewed (a refresh)' })
  lastUsedAt!: Date;

  @Field({ description: 'When it ends unless renewed' })
  expiresAt!: Date;

  @Field(() => String, { nullable: true, description: 'The address it was last renewed from' })
  ip!: string | null;

  @Field(() => String, { nullable: true, description: 'The client it was last renewed by (User-Agent)' })
  userAgent!: string | null;

  @Field({ description: 'The session this request was made with' })
  current!: boolean;
}
