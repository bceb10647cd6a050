import type { Browser, Locator, Page } from 'playwright-core';

import { sleep } from './connectFlow.ts';
import { typeLikeAPerson } from './humanTyping.ts';
import type { FlowObservation } from './naiveClient.ts';
import { routeOf } from './proxyClient.ts';

export interface WidgetFlowOptions {
  /** Type this in the search box at human speed; without it the flow starts at the credentials of MX Bank. */
  search?: string;
  backAndForth: boolean;
  password: string;
  /** MFA answer, when the password leads to a challenge. */
  mfaAnswer?: string;
  /** Fill fields at once and skip reading pauses (status detection does not measure the typing). */
  fast?: boolean;
}

/** How long the scripted person looks at a screen before acting (reading, finding the field). */
const READ_MS = 800;

const widget = (page: Page): Locator => page.getByRole('region', { name: 'Bank connection' });

/**
 * A scripted person using the real widget on the built demo page in Chromium. Every request the page makes to
 * `/api/connect/…` is counted by route (a request listener, so cached answers that never leave the page don't count).
 */
export async function runWidgetFlow(
  browser: Browser,
  demoUrl: string,
  options: WidgetFlowOptions,
): Promise<FlowObservation> {
  const context = await browser.newContext({ baseURL: demoUrl, viewport: { width: 1280, height: 900 } });
  // A MutationObserver notes when the Connected heading appears, so the time does not depend on how often we look.
  await context.addInitScript(() => {
    const w = window as { __mcConnectedAt?: number };
    const observer = new MutationObserver(() => {
      if (w.__mcConnectedAt) return;
      const headings = document.querySelectorAll('h1, h2, h3');
      if ([...headings].some((h) => h.textContent?.trim() === 'Connected')) w.__mcConnectedAt = Date.now();
    });
    document.addEventListener('DOMContentLoaded', () =>
      observer.observe(document.body, { subtree: true, childList: true, characterData: true }),
    );
  });
  const page = await context.newPage();
  const requests: { route: string; at: number; detail?: string }[] = [];
  const finishedAt: number[] = [];
  const bodies: Promise<void>[] = [];
  // For the calls issue 16 §3 names as avoidable: when each write's answer arrived, and whether a status answer
  // already carried the MFA challenges.
  const writeAnsweredAt: number[] = [];
  let statusCarriedChallenges = false;
  let isCounting = true;
  let memberGuid: string | undefined;
  // The success screen reads the member's accounts (the host's `onSuccess` carries them) just after the Connected
  // heading appears: counting stops once that read is over, so it is counted every run, not only when it wins the race.
  let accountsReadOver: () => void = () => undefined;
  const accountsRead = new Promise<void>((resolve) => (accountsReadOver = resolve));
  const onAccountsRead = (request: { method: () => string; url: () => string }) => {
    if (routeOf(request.method(), request.url()) === 'GET /members/:guid/accounts') accountsReadOver();
  };
  page.on('requestfailed', onAccountsRead);
  page.on('requestfinished', (request) => {
    const route = routeOf(request.method(), request.url());
    if (route === 'POST /members' || route === 'PUT /members/:guid/resume') writeAnsweredAt.push(Date.now());
    onAccountsRead(request);
  });
  page.on('request', (request) => {
    const route = routeOf(request.method(), request.url());
    if (route && isCounting)
      requests.push({ route, at: Date.now(), detail: new URL(request.url()).searchParams.get('name') ?? undefined });
  });
  page.on('response', (response) => {
    const route = routeOf(response.request().method(), response.url());
    if (route === 'POST /members' && response.ok()) {
      bodies.push(
        response
          .json()
          .then((json: { member?: { guid?: string } }) => {
            memberGuid = json.member?.guid;
          })
          .catch(() => undefined),
      );
    }
    if (!route?.endsWith('/status') || !response.ok()) return;
    bodies.push(
      response
        .json()
        .then((json: { member?: { successfully_aggregated_at?: string | null; challenges?: unknown[] } }) => {
          if ((json.member?.challenges?.length ?? 0) > 0) statusCarriedChallenges = true;
          const at = Date.parse(json.member?.successfully_aggregated_at ?? '');
          if (Number.isFinite(at)) finishedAt.push(at);
        })
        .catch(() => undefined),
    );
  });

  try {
    const started = Date.now();
    await page.goto('/', { timeout: 120_000 });
    const w = widget(page);
    const searchbox = w.getByRole('searchbox', { name: 'Search for your bank' });
    const pause = () => (options.fast ? Promise.resolve() : sleep(READ_MS));
    // The widget may open on a consent screen (when the partner is named); the person reads it and continues.
    const consent = w.getByRole('button', { name: 'Continue', exact: true });
    await searchbox.or(consent).first().waitFor();
    if (await consent.isVisible()) {
      await pause();
      await consent.click();
      await searchbox.waitFor();
    }
    const type = (field: Locator, text: string) => (options.fast ? field.fill(text) : typeLikeAPerson(field, text));
    await pause();
    // Typed key by key even in fast mode: a single fill right after the consent screen can land before the search box
    // is wired up, and the detection figure does not depend on typing time.
    await typeLikeAPerson(searchbox, options.search ?? 'MX Bank');
    // A button in the results list (an option if the list becomes a listbox).
    // A result whose logo did not load shows a letter instead ("M MX Bank"), so the name is matched at its end; the
    // last match is the search result rather than a favourite of the same name.
    const name = /(^|\s)MX Bank$/;
    const mxBank = w.getByRole('option', { name }).or(w.getByRole('button', { name })).last();
    await mxBank.click({ timeout: 60_000 });
    const login = w.getByRole('heading', { name: 'Log in to MX Bank' });
    await login.waitFor({ timeout: 60_000 });
    if (options.backAndForth) {
      await pause();
      await w.getByRole('button', { name: 'Back', exact: true }).click();
      await mxBank.waitFor();
      await pause();
      await mxBank.click();
      await login.waitFor();
    }
    await pause();
    await type(w.getByLabel('Username', { exact: true }), 'mxuser');
    await type(w.getByLabel('Password', { exact: true }), options.password);
    let lastWriteIndex = requests.length;
    await w.getByRole('button', { name: 'Continue' }).click();
    if (options.mfaAnswer !== undefined) {
      await w.getByRole('heading', { name: 'MX Bank needs more information' }).waitFor({ timeout: 60_000 });
      await pause();
      await type(w.getByLabel('What city were you born in?', { exact: true }), options.mfaAnswer);
      lastWriteIndex = requests.length;
      await w.getByRole('button', { name: 'Submit' }).click();
    }
    // The moment the Connected heading entered the DOM, by the page's clock (the machine clock the sandbox uses too).
    const shown = await page.waitForFunction(
      () => (window as { __mcConnectedAt?: number }).__mcConnectedAt,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const shownAt = (await shown.jsonValue()) as number;
    await Promise.race([accountsRead, sleep(30_000)]);
    isCounting = false;
    await Promise.all(bodies);
    // A stream's events are not read here (the widget closes it once it has the answer): ask for the finish time once
    // the person has seen it, outside the counts.
    if (finishedAt.length === 0 && memberGuid !== undefined) {
      const finished = await page.evaluate(async (guid) => {
        const response = await fetch(`/api/connect/members/${guid}/status`, {
          headers: { Accept: 'application/json', 'X-Member-Connect': '1' },
        });
        const json = (await response.json()) as { member?: { successfully_aggregated_at?: string | null } };
        return json.member?.successfully_aggregated_at ?? null;
      }, memberGuid);
      if (finished !== null) finishedAt.push(Date.parse(finished));
    }
    const counts: Record<string, number> = {};
    for (const { route } of requests) counts[route] = (counts[route] ?? 0) + 1;
    if (finishedAt.length === 0) throw new Error('widget flow: no status response carried successfully_aggregated_at');
    const finished = Math.max(...finishedAt);
    return {
      counts,
      total: requests.length,
      searches: requests.filter((r) => r.route === 'GET /institutions').map((r) => r.detail ?? ''),
      pollsAfterLastWrite: requests.slice(lastWriteIndex).filter((r) => r.route.endsWith('/status')).length,
      streams: requests.filter((r) => r.route.endsWith('/status/stream')).length,
      detectionMs: shownAt - finished,
      elapsedMs: shownAt - started,
      avoidable: {
        // A status request sent within 300 ms of a create/resume answer, which already said the job was running.
        pollsRightAfterWrite: requests.filter(
          (r) => r.route.endsWith('/status') && writeAnsweredAt.some((w) => r.at >= w && r.at - w < 300),
        ).length,
        challengesAlreadyInStatus: statusCarriedChallenges ? (counts['GET /members/:guid/challenges'] ?? 0) : 0,
      },
    };
  } finally {
    await context.close();
  }
}
