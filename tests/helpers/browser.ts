import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every screen, written on every run (the test prints the folder). */
export const SHOTS = resolve('.screenshots/web');
const WEB_DIR = resolve('dist/web');

/** Builds the web client once if this checkout has no build yet (npm test builds it before vitest). */
export function ensureWebBuilt(): void {
  if (existsSync(join(WEB_DIR, 'index.html'))) return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' }, // vitest sets NODE_ENV=test, which would build for development
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Each page's console and page errors, printed when a test fails. */
export const consoleLog: string[] = [];

export function watch(page: Page, name: string): Page {
  page.on('console', (m) => consoleLog.push(`[${name}] ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`[${name}] pageerror: ${e.message}`));
  return page;
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** What the web client keeps in localStorage after signing in (web/src/lib/session.ts). */
export interface StoredSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: { id: string; name: string; email: string; role: string };
}

export async function signInByApi(url: string, email: string, password: string): Promise<StoredSession> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation Login($input: LoginInput!) { login(input: $input) { accessToken accessTokenExpiresAt
        refreshToken refreshTokenExpiresAt user { id name email role } } }`,
      variables: { input: { email, password } },
    }),
  });
  const body = (await res.json()) as { data?: { login: StoredSession }; errors?: unknown[] };
  if (!body.data) throw new Error(`login failed: ${JSON.stringify(body.errors)}`);
  return body.data.login;
}

/** A browser context (its own storage) already signed in as `session`, at 1280×800 unless told. */
export async function contextAs(
  browser: Browser,
  session: StoredSession | null,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  if (session)
    await context.addInitScript((s) => {
      if (!localStorage.getItem('reos.session')) localStorage.setItem('reos.session', s);
    }, JSON.stringify(session));
  return context;
}

/** Runs one GraphQL request (ad-hoc documents: against a server that allows them). */
export async function gql<T>(url: string, token: string, query: string, variables: object = {}): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}
