/** A team member as mentions see them. */
export interface Mentionable {
  id: string;
  name: string;
  email: string;
}

const MENTION = /(?:^|[^\w@.])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})/gu;

function compact(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The users a text mentions. `@handle` matches, in this order: a user's whole name without spaces or
 * punctuation (`@alexrivera`, `@alex.rivera`), the part of their email before the @ (`@arivera`), or
 * their first name (`@alex`) when exactly one user has it. Accents and case are ignored; an
 * ambiguous first name mentions no one rather than the wrong person. Email addresses in the text
 * (`a@b.com`) are not mentions.
 */
export function mentionedUsers(text: string | null | undefined, users: readonly Mentionable[]): Mentionable[] {
  if (!text || !text.includes('@')) return [];
  const found = new Map<string, Mentionable>();
  for (const match of text.matchAll(MENTION)) {
    const handle = compact(match[1]!.replace(/[._-]+$/u, ''));
    if (!handle) continue;
    const byName = users.filter((u) => compact(u.name) === handle);
    const byEmail = users.filter((u) => compact(u.email.split('@')[0] ?? '') === handle);
    const byFirst = users.filter((u) => compact(u.name.split(/\s+/u)[0] ?? '') === handle);
    const pick = byName.length === 1 ? byName : byEmail.length === 1 ? byEmail : byFirst.length === 1 ? byFirst : [];
    for (const u of pick) found.set(u.id, u);
  }
  return [...found.values()];
}
