import { Deal, Invitation, Lead, Organization, RefreshToken, Task, User } from '../../../entities/index.js';
import { Role, TaskStatus } from '../../../entities/enums.js';
import { newOpaqueToken } from '../../platform/auth/tokens.js';
import { ForbiddenError, ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { isTimeZone } from '../tasks/calendar.js';
import { activeMember, findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/** Team management: who is in the organization and with which role. */
export class UserService {
  constructor(private readonly scope: ServiceScope) {}

  list(): Promise<User[]> {
    return this.scope.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async invite(input: { email: string; name: string; role: Role }): Promise<{ invitation: Invitation; token: string }> {
    const actor = requireActor(this.scope);
    const email = v.email(input.email, 'input.email');
    const name = v.requiredText(input.name, 'input.name');
    if (input.role === Role.OWNER && actor.role !== Role.OWNER)
      throw new ForbiddenError('Only an OWNER can invite another OWNER');
    // Only this organization's members are checked: whether the address has an account elsewhere is
    // not the inviter's to learn (the invitee finds out when accepting, from their own inbox).
    if (await this.scope.em.count(User, { email })) {
      throw new ValidationError('This person is already a member of your organization', 'input.email');
    }
    const { token, hash } = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.scope.deps.config.invitationTtlHours * 3600_000);
    const invitation = this.scope.em.create(Invitation, {
      email,
      name,
      role: input.role,
      tokenHash: hash,
      invitedById: actor.id,
      expiresAt,
    });
    await this.scope.em.flush();
    return { invitation, token };
  }

  /** Invitations not yet accepted or revoked (expired ones included, with their expiry), newest first. */
  pendingInvitations(): Promise<Invitation[]> {
    return this.scope.em.find(
      Invitation,
      { acceptedAt: null, revokedAt: null },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 500 },
    );
  }

  /** Revokes a pending invitation: its token stops working at once. Accepted ones cannot be revoked. */
  async revokeInvitation(id: string): Promise<Invitation> {
    const invitation = await findOrNotFound(this.scope.em, Invitation, id, 'Invitation');
    if (invitation.acceptedAt)
      throw new ValidationError('This invitation was accepted; change or remove the member instead', 'id');
    invitation.revokedAt ??= new Date();
    await this.scope.em.flush();
    return invitation;
  }

  /**
   * Deactivates a member: they cannot sign in, their sessions are revoked and their access tokens
   * refused within seconds (HTTP and WebSocket, see UserStates), and their leads, deals and open
   * tasks go to `reassignTo` (leads and deals are left unassigned without one; open tasks need one).
   * Not yourself; only an OWNER deactivates an OWNER.
   */
  async deactivate(userId: string, reassignToId?: string | null): Promise<User> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const user = await findOrNotFound(em, User, userId, 'User');
    if (user.id === actor.id) throw new ValidationError('You cannot deactivate yourself', 'userId');
    if (user.role === Role.OWNER && actor.role !== Role.OWNER)
      throw new ForbiddenError('Only an OWNER can deactivate an OWNER');
    if (user.deactivatedAt) return user;
    const to = reassignToId == null ? null : await activeMember(em, reassignToId, 'reassignTo');
    if (to?.id === user.id) throw new ValidationError('Hand the work to someone else', 'reassignTo');
    const openTasks = await em.count(Task, { assigneeId: user.id, status: TaskStatus.OPEN });
    if (openTasks && !to)
      throw new ValidationError(`${user.name} has ${openTasks} open tasks: name who takes them over`, 'reassignTo');
    await em.transactional(async (tem) => {
      await tem.nativeUpdate(Lead, { assignedUserId: user.id }, { assignedUserId: to?.id ?? null });
      await tem.nativeUpdate(Deal, { assignedUserId: user.id }, { assignedUserId: to?.id ?? null });
      if (to) await tem.nativeUpdate(Task, { assigneeId: user.id, status: TaskStatus.OPEN }, { assigneeId: to.id });
      await tem.nativeUpdate(RefreshToken, { userId: user.id, revokedAt: null }, { revokedAt: new Date() });
      await tem.nativeUpdate(User, { id: user.id }, { deactivatedAt: new Date(), authEpoch: user.authEpoch + 1 });
    });
    this.scope.deps.analytics.changed(user.organizationId);
    await em.refresh(user);
    return user;
  }

  /** Lets a deactivated member sign in again (their old sessions stay revoked). */
  async reactivate(userId: string): Promise<User> {
    const actor = requireActor(this.scope);
    const user = await findOrNotFound(this.scope.em, User, userId, 'User');
    if (user.role === Role.OWNER && actor.role !== Role.OWNER)
      throw new ForbiddenError('Only an OWNER can reactivate an OWNER');
    if (!user.deactivatedAt) return user;
    user.deactivatedAt = null;
    user.authEpoch += 1; // tokens from the new sign-in are newer than anything a process remembers
    await this.scope.em.flush();
    return user;
  }

  async updateRole(userId: string, role: Role): Promise<User> {
    const actor = requireActor(this.scope);
    const user = await findOrNotFound(this.scope.em, User, userId, 'User');
    if (actor.role !== Role.OWNER && (user.role === Role.OWNER || role === Role.OWNER)) {
      throw new ForbiddenError('Only an OWNER can grant or change the OWNER role');
    }
    if (user.role === Role.OWNER && role !== Role.OWNER) {
      const owners = await this.scope.em.count(User, { role: Role.OWNER });
      if (owners <= 1) throw new ValidationError('An organization needs at least one OWNER', 'role');
    }
    if (user.role !== role) user.authEpoch += 1; // their tokens of the old role stop working within seconds
    user.role = role;
    await this.scope.em.flush();
    return user;
  }

  /** The organization's time zone (IANA name), which places all-day tasks and "today". */
  async setTimeZone(timeZone: string): Promise<Organization> {
    const actor = requireActor(this.scope);
    const zone = v.requiredText(timeZone, 'timeZone', 64);
    if (!isTimeZone(zone)) throw new ValidationError(`Unknown time zone "${zone}" (use an IANA name)`, 'timeZone');
    const org = await this.scope.em.findOneOrFail(Organization, { id: actor.organizationId });
    org.timeZone = zone;
    await this.scope.em.flush();
    return org;
  }

  /**
   * Organization settings: when a lead counts as stale, the hours one-to-one texts may go out, and
   * how long the audit log keeps its entries.
   */
  async updateSettings(input: {
    staleLeadDays?: number | null;
    smsWindowStartHour?: number | null;
    smsWindowEndHour?: number | null;
    auditRetentionDays?: number | null;
  }): Promise<Organization> {
    const actor = requireActor(this.scope);
    const org = await this.scope.em.findOneOrFail(Organization, { id: actor.organizationId });
    const stale = v.intRange(input.staleLeadDays, 'input.staleLeadDays', 1, 365);
    const start = v.intRange(input.smsWindowStartHour, 'input.smsWindowStartHour', 0, 23);
    const end = v.intRange(input.smsWindowEndHour, 'input.smsWindowEndHour', 1, 24);
    const retention = v.intRange(input.auditRetentionDays, 'input.auditRetentionDays', 1, 3650);
    if ((start ?? org.smsWindowStartHour) === (end ?? org.smsWindowEndHour))
      throw new ValidationError('The texting window cannot start and end at the same hour', 'input.smsWindowEndHour');
    if (stale != null) org.staleLeadDays = stale;
    if (start != null) org.smsWindowStartHour = start;
    if (end != null) org.smsWindowEndHour = end;
    if (retention != null) org.auditRetentionDays = retention;
    await this.scope.em.flush();
    return org;
  }
}
