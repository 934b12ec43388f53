import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appears, chooseStage, javascriptBytes } from '../../bench/in-page.js';
import { median, percentile } from '../../bench/lib.js';
import { DEMO, seed } from '../../src/cli/seed.js';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import {
  consoleLog,
  contextAs,
  ensureWebBuilt,
  gql,
  launchBrowser,
  shot,
  signInByApi,
  SHOTS,
  watch,
  type StoredSession,
} from '../helpers/browser.js';
import { testConfig } from '../helpers/env.js';
import { createTenant, type Tenant } from '../helpers/gql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The web client (web/) in Debian's Chromium against a real API and workers on the seeded demo
 * organization, in a database of its own. The app's server runs PERSISTED_OPERATIONS=only, so every
 * request the built client sends is a trusted-document hash (HTTP and WebSocket alike); a second
 * API process on the same database allows ad-hoc documents for the explorer and the test's setup.
 */
const DB = `reos_web_${process.pid}`;
const url = (user: string) => `postgres://${user}@127.0.0.1:5432/${DB}`;

let app: TestServer; // persisted documents only: what the built client uses
let adhoc: TestServer; // ad-hoc documents: the explorer and this test's setup
let base = '';
let browser: Browser;
let owner: StoredSession;
let other: Tenant;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  const rateLimits = { queriesPerMinute: 1_200, mutationsPerMinute: 240, authMultiplier: 20 };
  const config = testConfig({ databaseUrl: url('reos_app'), databaseOwnerUrl: url('postgres'), rateLimits });
  await prepareDatabase(config);
  app = await startTestServer({ config: { ...config, persistedOperations: 'only' } });
  adhoc = await startTestServer({ config: { ...config, persistedOperations: 'allow' }, workers: false });
  base = app.url.replace(/\/graphql$/, '');
  await seed(app.deps);
  owner = await signInByApi(adhoc.url, DEMO.email, DEMO.password);
  other = await createTenant(adhoc.url, 'Another Org');
  browser = await launchBrowser();
  console.log(`web screenshots: ${SHOTS}`);
}, 180_000);

afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.log(`browser console:\n${consoleLog.join('\n')}`);
  consoleLog.length = 0;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await adhoc?.close();
  await app?.close();
  const admin = new pg.Client({ connectionString: url('postgres').replace(DB, 'postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.end();
});

async function open(
  session: StoredSession | null,
  path: string,
  name: string,
  viewport?: { width: number; height: number },
) {
  const context = await contextAs(browser, session, viewport);
  contexts.push(context);
  const page = watch(await context.newPage(), name);
  await page.goto(base + path);
  return page;
}

const card = (stage: string, dealId: string) => `[data-stage="${stage}"] [data-deal-id="${dealId}"]`;
const count = async (page: Page, testId: string) => Number(await page.getByTestId(testId).textContent());

/** A NEW deal of the demo organization, by title. */
async function someDeal(stage = 'NEW'): Promise<{ id: string; title: string }> {
  const data = await gql<{ deals: { edges: { node: { id: string; title: string } }[] } }>(
    adhoc.url,
    owner.accessToken,
    `query ($s: [DealStage!]) { deals(first: 1, filter: { stages: $s }, orderBy: { field: STAGE_CHANGED_AT }) {
      edges { node { id title } } } }`,
    { s: [stage] },
  );
  return data.deals.edges[0]!.node;
}

/** A lead of the demo organization assigned to its owner. */
async function someLead(): Promise<{ id: string }> {
  const data = await gql<{ leads: { edges: { node: { id: string } }[] } }>(
    adhoc.url,
    owner.accessToken,
    `query ($me: ID) { leads(first: 1, filter: { assignedUserId: $me }) { edges { node { id } } } }`,
    { me: owner.user.id },
  );
  return data.leads.edges[0]!.node;
}

describe('web client', () => {
  it('signs in: a wrong password is a readable message; then my day', async () => {
    const page = await open(null, '/app/', 'signin');
    await page.fill('#email', DEMO.email);
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 5_000 })
      .toContain('do not match an active account');
    expect(await page.content()).not.toContain('"errors"'); // never raw JSON
    await shot(page, '01-signin-failed');
    await page.fill('#password', DEMO.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#myday-title');
    await page.waitForSelector('[data-testid=tasks], .state.empty');
    await shot(page, '02-my-day');
    const mobile = await open(await signInByApi(adhoc.url, DEMO.email, DEMO.password), '/app/', 'phone', {
      width: 390,
      height: 844,
    });
    await mobile.waitForSelector('#myday-title');
    await shot(mobile, '03-my-day-phone');
  });

  it('loads a populated pipeline board quickly, shipping at most 400 KB of compressed JavaScript', async () => {
    const loads: number[] = [];
    let jsBytes = 0;
    for (let round = 0; round < 3; round++) {
      const page = await open(owner, '/app/pipeline', `board-load-${round}`);
      await page.waitForSelector('[data-stage="NEW"] .card');
      loads.push(await page.evaluate(() => performance.now()));
      jsBytes = await page.evaluate(javascriptBytes);
      if (round === 0) await shot(page, '04-pipeline-board');
      await page.context().close();
    }
    console.log(
      `web: page load -> populated board ${loads.map((ms) => ms.toFixed(0)).join(', ')} ms ` +
        `(median ${median(loads).toFixed(0)} ms); JavaScript shipped ${(jsBytes / 1024).toFixed(1)} KB compressed`,
    );
    expect(jsBytes).toBeGreaterThan(50_000); // it measured the bundle, not nothing
    expect(jsBytes).toBeLessThanOrEqual(400 * 1024);
  });

  it('moves a dragged card in another context of the organization at once; the dashboard counts follow', async () => {
    const deal = await someDeal('NEW');
    const agent = await signInByApi(adhoc.url, 'alex.acquisitions@realestateos.dev', DEMO.password);
    const a = await open(owner, '/app/pipeline', 'owner-board');
    const b = await open(agent, '/app/pipeline', 'agent-board');
    const dash = await open(agent, '/app/dashboard', 'agent-dashboard');
    const outsider = await open(
      await signInByApi(adhoc.url, other.email, other.password),
      '/app/pipeline',
      'other-org-board',
    );
    for (const page of [a, b, dash, outsider]) await page.waitForSelector('[data-testid=live][data-state=live]');
    await b.waitForSelector(card('NEW', deal.id));
    await dash.waitForSelector('[data-testid=dash-count-NEW]');
    const before = { NEW: await count(dash, 'dash-count-NEW'), CONTACTED: await count(dash, 'dash-count-CONTACTED') };
    await outsider.waitForSelector('[data-testid=count-NEW]');

    const dropped = Date.now();
    await a.locator(card('NEW', deal.id)).dragTo(a.locator('[data-stage="CONTACTED"]'));
    await b.waitForSelector(card('CONTACTED', deal.id), { timeout: 1_000 });
    const seenAfter = Date.now() - dropped;
    await expect.poll(() => count(dash, 'dash-count-CONTACTED'), { timeout: 5_000 }).toBe(before.CONTACTED + 1);
    expect(await count(dash, 'dash-count-NEW')).toBe(before.NEW - 1);
    expect(await a.locator(card('CONTACTED', deal.id)).count()).toBe(1);
    await shot(b, '05-board-after-remote-move');
    await shot(dash, '06-dashboard', true);
    // Another organization heard nothing: its board is still empty.
    expect(await outsider.locator('.card').count()).toBe(0);
    expect(await count(outsider, 'count-CONTACTED')).toBe(0);
    console.log(`web: drag in one context -> card moved in the other after ${seenAfter} ms`);
  });

  it('shows each of 20 moves in the other context, and prints the latency (target p95 ≤ 300 ms)', async () => {
    const deal = await someDeal('OFFER_MADE');
    const a = await open(owner, '/app/pipeline', 'mover');
    const b = await open(owner, '/app/pipeline', 'watcher');
    for (const page of [a, b]) await page.waitForSelector('[data-testid=live][data-state=live]');
    await b.waitForSelector(card('OFFER_MADE', deal.id));
    const latencies: number[] = [];
    let from = 'OFFER_MADE';
    for (let i = 0; i < 20; i++) {
      const to = from === 'OFFER_MADE' ? 'NEGOTIATION' : 'OFFER_MADE';
      await a.waitForSelector(card(from, deal.id));
      // Both clocks are this machine's: the moment A's change handler runs, and the moment the card
      // is in B's DOM (a MutationObserver), without Playwright's round trips in between.
      const seen = b.evaluate(appears, card(to, deal.id));
      const started = await a.evaluate(chooseStage, { select: `${card(from, deal.id)} select.move`, to });
      latencies.push((await seen) - started);
      from = to;
    }
    const p95 = percentile(
      [...latencies].sort((a, b) => a - b),
      95,
    );
    // A figure, not a pass mark: the suite shares two cores with other files (bench: BENCH_ONLY=web).
    console.log(
      `web: mutation -> visible in the other context over 20 moves: p50 ${median(latencies)} ms, ` +
        `p95 ${p95} ms, max ${Math.max(...latencies)} ms (target p95 <= 300 ms)`,
    );
    expect(latencies).toHaveLength(20);
  });

  it('tells a viewer who drags that the role does not allow it, and puts the card back', async () => {
    const deal = await someDeal('NEW');
    const viewer = await signInByApi(adhoc.url, 'val.viewer@realestateos.dev', DEMO.password);
    const page = await open(viewer, '/app/pipeline', 'viewer-board');
    await page.waitForSelector(card('NEW', deal.id));
    await page.locator(card('NEW', deal.id)).dragTo(page.locator('[data-stage="CONTACTED"]'));
    const alert = page.locator('.state.error');
    await expect.poll(() => alert.getAttribute('data-code'), { timeout: 5_000 }).toBe('FORBIDDEN');
    expect(await alert.textContent()).toContain('Your role does not allow this');
    await page.waitForSelector(card('NEW', deal.id));
    await shot(page, '07-viewer-forbidden');
  });

  it('shows an inbound text in the conversation and on the bell as it arrives', async () => {
    const { leads } = await gql<{ leads: { edges: { node: { id: string; phone: string } }[] } }>(
      adhoc.url,
      owner.accessToken,
      `query ($me: ID) { leads(first: 1, filter: { assignedUserId: $me, search: "+1512" }) {
        edges { node { id phone } } } }`,
      { me: owner.user.id },
    );
    const lead = leads.edges[0]!.node;
    const page = await open(owner, `/app/leads/${lead.id}`, 'lead-page');
    await page.waitForSelector('[data-testid=live][data-state=live]');
    await page.waitForSelector('#reply-body');
    const unread = async () =>
      Number(
        (await page
          .getByTestId('unread-count')
          .textContent()
          .catch(() => '0')) || 0,
      );
    const before = await unread();
    const body = `Still interested? ${randomUUID().slice(0, 8)}`;
    await gql(
      adhoc.url,
      owner.accessToken,
      `mutation ($f: String!, $b: String!) { simulateInboundSms(from: $f, body: $b) { id } }`,
      {
        f: lead.phone,
        b: body,
      },
    );
    await page.locator('[data-testid=conversation]').getByText(body).waitFor({ timeout: 5_000 });
    await expect.poll(unread, { timeout: 5_000 }).toBe(before + 1);
    await shot(page, '08-lead-conversation');
    // A reply with nothing in it is refused next to the box, in words.
    await page.fill('#reply-body', '   ');
    await page.click('form.reply button[type=submit]');
    await expect
      .poll(() => page.locator('#reply-error').textContent(), { timeout: 5_000 })
      .toBe('body must not be empty');
    await page.click('.bell-button');
    await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
    await shot(page, '09-notifications');
  });

  it('fills a campaign progress bar to 100% as it sends', async () => {
    const ids = await gql<{ createTemplate: { id: string } }>(
      adhoc.url,
      owner.accessToken,
      `mutation { createTemplate(input: { name: "Browser test", channel: SMS,
        body: "Hi {{lead.firstName}}, still selling?" }) { id } }`,
    );
    const { createCampaign } = await gql<{ createCampaign: { id: string } }>(
      adhoc.url,
      owner.accessToken,
      `mutation ($t: ID!) { createCampaign(input: { name: "Referral check-in", channel: SMS, templateId: $t,
        audience: { sources: [REFERRAL] }, windowStartHour: 0, windowEndHour: 24 }) { id } }`,
      { t: ids.createTemplate.id },
    );
    const page = await open(owner, `/app/campaigns/${createCampaign.id}`, 'campaign-page');
    await page.waitForSelector('[data-testid=live][data-state=live]');
    await page.getByRole('button', { name: 'Launch' }).click();
    const bar = page.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    await expect.poll(() => page.getByTestId('campaign-status').textContent(), { timeout: 30_000 }).toBe('Completed');
    expect(Number(await page.getByTestId('stat-sent').textContent())).toBeGreaterThan(0);
    await shot(page, '10-campaign');
  });

  it('imports a CSV with progress and lists the rows it did not store', async () => {
    const page = await open(owner, '/app/imports', 'imports');
    await page.waitForSelector('#import-file');
    const tag = randomUUID().slice(0, 6);
    const csv = [
      'first_name,last_name,email,phone',
      `Ada,Import${tag},ada-${tag}@example.com,`,
      `Ben,Import${tag},ben-${tag}@example.com,`,
      `Cy,Import${tag},not-an-email,`,
    ].join('\n');
    await page.setInputFiles('#import-file', {
      name: `leads-${tag}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.click('form.panel button[type=submit]');
    await expect.poll(() => page.getByTestId('import-status').textContent(), { timeout: 30_000 }).toContain('Done');
    expect(await page.getByTestId('import-status').textContent()).toContain('2 imported');
    expect(await page.getByTestId('import-issues').textContent()).toContain('Row');
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await shot(page, '11-imports');
  });

  it('imports a CSV over 512 KB by a presigned upload from the page straight to object storage', async () => {
    const page = await open(owner, '/app/imports', 'imports-large');
    await page.waitForSelector('#import-file');
    const tag = randomUUID().slice(0, 6);
    const rows = Array.from({ length: 12_000 }, (_, i) => `Row${i},Large${tag},row${i}-${tag}@example.com,`);
    const csv = ['first_name,last_name,email,phone', ...rows].join('\n');
    expect(csv.length).toBeGreaterThan(512 * 1024);
    const puts: number[] = [];
    page.on('response', (r) => r.request().method() === 'PUT' && puts.push(r.status()));
    await page.setInputFiles('#import-file', {
      name: `large-${tag}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.click('form.panel button[type=submit]');
    await expect.poll(() => page.getByTestId('import-status').textContent(), { timeout: 60_000 }).toContain('Done');
    expect(await page.getByTestId('import-status').textContent()).toContain('12,000 imported');
    expect(puts).toEqual([200]); // the file went to the object store (CORS, CSP and signature all allowed it)
  }, 90_000);

  it('refreshes an expired access token by rotation, and signs out with a reason when that fails', async () => {
    const session = await signInByApi(adhoc.url, DEMO.email, DEMO.password);
    const stale = {
      ...session,
      accessToken: 'expired',
      accessTokenExpiresAt: new Date(Date.now() - 1_000).toISOString(),
    };
    const page = await open(stale, '/app/pipeline', 'refresh');
    await page.waitForSelector('[data-stage="NEW"] .card');
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('reos.session')))!) as StoredSession;
    expect(stored.refreshToken).not.toBe(session.refreshToken); // rotated: the old one is spent
    expect(stored.accessToken).not.toBe('expired');

    const ended = { ...stale, refreshToken: session.refreshToken }; // already used by the page above
    const gone = await open(ended, '/app/pipeline', 'ended');
    await gone.waitForSelector('#signin-title');
    expect(await gone.getByRole('status').textContent()).toMatch(/session has (expired|ended)/);
    expect(await gone.evaluate(() => localStorage.getItem('reos.session'))).toBeNull();
    await shot(gone, '12-session-expired');
  });

  it('serves the GraphQL explorer from this server alone, running a query and a subscription', async () => {
    const context = await contextAs(browser, owner);
    contexts.push(context);
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const page = watch(await context.newPage(), 'graphiql');
    await page.goto(adhoc.url.replace(/graphql$/, 'graphiql'));
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 30_000 });
    const run = async (query: string) => {
      await page.locator('.graphiql-query-editor .monaco-editor').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(query);
      // GraphiQL reads the edited document (and its operation name) after a debounce, as a person's pause would.
      await page.waitForTimeout(700);
      await page.locator('.graphiql-execute-button').click();
    };
    // Monaco draws spaces as no-break spaces.
    const response = async () => (await page.locator('.graphiql-response').textContent())?.replace(/\u00a0/g, ' ');
    await run('query { me { name } }');
    await expect.poll(response, { timeout: 15_000 }).toContain('Dana Demo');
    await shot(page, '13-graphiql-query');
    await run('subscription { pipelineEvents { type toStage } }');
    const deal = await someDeal('CONTACTED');
    await page.waitForTimeout(500); // the subscription is on its way to the server
    await gql(
      adhoc.url,
      owner.accessToken,
      `mutation ($id: ID!) { moveDeal(id: $id, stage: APPOINTMENT_SET) { id } }`,
      {
        id: deal.id,
      },
    );
    await expect.poll(response, { timeout: 15_000 }).toContain('DEAL_MOVED');
    await shot(page, '14-graphiql-subscription');
    expect(elsewhere).toEqual([]);
  });

  it('completes a task from my day with its call outcome, which lands on the lead timeline', async () => {
    const { createTask } = await gql<{ createTask: { id: string; lead: { id: string } } }>(
      adhoc.url,
      owner.accessToken,
      `mutation ($lead: ID!, $due: DateTimeISO!) { createTask(input: { title: "Call back about the roof",
        type: CALL, leadId: $lead, dueAt: $due }) { id lead { id } } }`,
      { lead: (await someLead()).id, due: new Date(Date.now() - 60_000).toISOString() },
    );
    const page = await open(owner, '/app/', 'complete-task');
    const row = page.locator('[data-testid=tasks] li', { hasText: 'Call back about the roof' });
    await row.getByRole('button', { name: 'Complete' }).click();
    await page.selectOption('#complete-outcome', 'Left voicemail');
    await page.fill('#complete-notes', 'Roof is newer than the listing says');
    await shot(page, '15-complete-task');
    await page.getByRole('button', { name: 'Complete task' }).click();
    await row.waitFor({ state: 'detached' });
    await page.goto(`${base}/app/leads/${createTask.lead.id}`);
    await page.locator('ol.timeline').getByText('Roof is newer than the listing says').waitFor();
    expect(await page.locator('ol.timeline li', { hasText: 'Roof is newer' }).textContent()).toContain(
      'Left voicemail',
    );
  });
});
