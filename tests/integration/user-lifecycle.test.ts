import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, sdk, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer({ workers: false });

/** Resolves once `call` is refused as UNAUTHENTICATED (it is retried until then, for at most 5 s). */
function refusedSoon(call: () => Promise<unknown>) {
  return waitFor(
    () =>
      call().then(
        () => null,
        async (e: unknown) => ((await gqlError(Promise.reject(e))).code === 'UNAUTHENTICATED' ? true : null),
      ),
    5_000,
  );
}

describe('user lifecycle', () => {
  it('a deactivated member is refused on HTTP and WebSocket within seconds; their work goes to another', async () => {
    const owner = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    const mate = await addMember(server.url, owner, 'AGENT');
    const { createLead } = await owner.api.CreateLead({
      input: { firstName: 'Work', lastName: 'Item', assignedUserId: agent.userId },
    });
    const { createTask } = await owner.api.CreateTask({
      input: { title: 'Call back', leadId: createLead.id, assigneeId: agent.userId, dueAt: new Date().toISOString() },
    });
    const socket = await subscribe(server.wsUrl, agent.token, 'subscription { pipelineEvents { type } }');
    let closed = false;
    socket.onClosed(() => (closed = true));
    expect((await agent.api.Me()).me.id).toBe(agent.userId);

    // Refused: themselves, an OWNER by an ADMIN, open tasks without a taker, another organization.
    const admin = await addMember(server.url, owner, 'ADMIN');
    const other = await createTenant(server.url);
    expect((await gqlError(owner.api.DeactivateUser({ userId: owner.userId }))).code).toBe('BAD_USER_INPUT');
    expect((await gqlError(admin.api.DeactivateUser({ userId: owner.userId }))).code).toBe('FORBIDDEN');
    const noTaker = await gqlError(owner.api.DeactivateUser({ userId: agent.userId }));
    expect([noTaker.code, noTaker.extensions.field]).toEqual(['BAD_USER_INPUT', 'reassignTo']);
    expect((await gqlError(other.api.DeactivateUser({ userId: agent.userId }))).code).toBe('NOT_FOUND');
    expect((await agent.api.Me()).me.id).toBe(agent.userId); // nothing changed

    const started = Date.now();
    const { deactivateUser } = await owner.api.DeactivateUser({ userId: agent.userId, reassignTo: mate.userId });
    expect(deactivateUser.deactivatedAt).not.toBeNull();
    await refusedSoon(() => agent.api.Me());
    await waitFor(async () => (closed ? true : null), 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const login = await gqlError(sdk(server.url).Login({ input: { email: agent.email, password: agent.password } }));
    expect(login.code).toBe('UNAUTHENTICATED');
    expect((await gqlError(sdk(server.url).RefreshToken({ token: agent.refreshToken }))).code).toBe('UNAUTHENTICATED');

    // The work moved; the deactivated member cannot be given more.
    expect((await owner.api.Lead({ id: createLead.id })).lead.assignedUser?.id).toBe(mate.userId);
    expect((await mate.api.Task({ id: createTask.id })).task.assignee?.id).toBe(mate.userId);
    const assign = await gqlError(owner.api.UpdateLead({ id: createLead.id, input: { assignedUserId: agent.userId } }));
    expect([assign.code, assign.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.assignedUserId']);

    // Reactivated: signs in again (the old sessions stay ended).
    await owner.api.ReactivateUser({ userId: agent.userId });
    const { login: again } = await sdk(server.url).Login({ input: { email: agent.email, password: agent.password } });
    expect((await sdk(server.url, again.accessToken).Me()).me.id).toBe(agent.userId);
    expect((await gqlError(agent.api.Me())).code).toBe('UNAUTHENTICATED');
    await socket.close();
  });

  it('a role change ends tokens of the old role within seconds; a refresh carries the new one', async () => {
    const owner = await createTenant(server.url);
    const admin = await addMember(server.url, owner, 'ADMIN');
    await owner.api.UpdateUserRole({ userId: admin.userId, role: 'VIEWER' });
    await refusedSoon(() => admin.api.Me());
    const { refreshToken } = await sdk(server.url).RefreshToken({ token: admin.refreshToken });
    const viewer = sdk(server.url, refreshToken.accessToken);
    expect((await viewer.Me()).me.role).toBe('VIEWER');
    const invite = { email: `v-${randomUUID()}@example.com`, name: 'V', role: 'AGENT' as const };
    expect((await gqlError(viewer.InviteUser({ input: invite }))).code).toBe('FORBIDDEN');
  });
});
