import { Field, ObjectType } from 'type-graphql';
import { User } from '../../entities/User.js';

@ObjectType({
  description: 'A session: a short-lived access token and a rotating refresh token',
  simpleResolvers: true,
})
export class AuthPayload {
  @Field({
    description: 'Send as `Authorization: Bearer <token>` (HTTP) or `connectionParams.authorization` (WebSocket)',
  })
  accessToken!: string;

  @Field()
  accessTokenExpiresAt!: Date;

  @Field({ description: 'Exchange with refreshToken(token) for a new pair; each is usable once' })
  refreshToken!: string;

  @Field()
  refreshTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}
