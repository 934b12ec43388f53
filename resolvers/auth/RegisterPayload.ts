import { Field, ObjectType } from 'type-graphql';
import { AuthPayload } from './AuthPayload.js';

@ObjectType({
  description:
    'What register answers. With email verification (the default) it is the same for every address, ' +
    'whether or not it has an account: the next step is in the mailbox.',
})
export class RegisterPayload {
  @Field({ description: 'The address as it will be stored (trimmed, lower-case)' })
  email!: string;

  @Field({
    description:
      'True: a single-use code (30 minutes) went to the address; completeRegistration(token) finishes the ' +
      'sign-up. False (SIGNUP_VERIFICATION=false): the organization exists and `session` is its OWNER signed in.',
  })
  verificationRequired!: boolean;

  @Field(() => AuthPayload, { nullable: true })
  session!: AuthPayload | null;
}
