import type { MemberStatus } from './connectFlow.ts';
import { createMember, credentialsBody, MXBANK, sleep } from './connectFlow.ts';
import type { ProxyClient } from './proxyClient.ts';
import { createProxyClient } from './proxyClient.ts';

export interface NaiveFlowOptions {
  /** What the person types in the search box; one request per keystroke once it has 2 characters. */
  search?: string;
  /** Open the institution, go back to the results, open it again (the scripted user's detour). */
  backAndForth: boolean;
  password: string;
  /** Calls the real widget was seen to make, so the baseline makes the same kinds of call (without any saving). */
  mirror: { favorites: boolean; institutionDetails: boolean; accounts: boolean };
  pollMs: number;
}

export interface FlowObservation {
  /** Proxy requests by route. */
  counts: Record<string, number>;
  total: number;
  /** The `name` of every institution search sent, in order. */
  searches: string[];
  /** Status polls after the last write (create or MFA answer): what it took to notice the end of aggregation. */
  pollsAfterLastWrite: number;
  /** Status streams opened (`GET …/status/stream`, held open; widget only). */
  streams?: number;
  /** From the sandbox finishing (`successfully_aggregated_at`) to the client knowing it, in ms. */
  detectionMs: number;
  elapsedMs: number;
  /** Calls issue 16 §3 names as avoidable (widget only). */
  avoidable?: { pollsRightAfterWrite: number; challengesAlreadyInStatus: number };
}

/**
 * The baseline: what a naive widget would send for the same user journey. No debounce (a search per keystroke),
 * no cache (everything refetched whenever it is shown again), status polled every `pollMs` (1 s) from the submit.
 * It authenticates like the iframe does: a session token from the demo page's backend.
 */
export async function runNaiveFlow(demoUrl: string, options: NaiveFlowOptions): Promise<FlowObservation> {
  const started = Date.now();
  const session = await fetch(`${demoUrl}/demo/session-token`);
  const { sessionToken } = (await session.json()) as { sessionToken: string };
  const client = createProxyClient(`${demoUrl}/api/connect`, sessionToken);

  const showSearch = async (term: string) => {
    if (options.mirror.favorites) await client.call('GET', '/institutions/favorites?page=1&records_per_page=25');
    if (term.length >= 2) await search(client, term);
  };
  const openInstitution = async () => {
    if (options.mirror.institutionDetails) await client.call('GET', `/institutions/${MXBANK}`);
    return credentialsBody(client, MXBANK, options.password);
  };

  const term = options.search;
  if (term) {
    await showSearch('');
    for (let n = 2; n <= term.length; n++) await search(client, term.slice(0, n));
  }
  let body = await openInstitution();
  if (options.backAndForth) {
    await showSearch(term ?? '');
    body = await openInstitution();
  }
  const member = await createMember(client, body);
  let lastWriteIndex = client.timestamps.length;
  for (;;) {
    await sleep(options.pollMs);
    const { member: status } = await client.call<{
      member: MemberStatus & { successfully_aggregated_at?: string | null };
    }>('GET', `/members/${member}/status`);
    if (status.connection_status === 'CHALLENGED') {
      const { challenges } = await client.call<{ challenges: { guid: string }[] }>(
        'GET',
        `/members/${member}/challenges`,
      );
      await client.call('PUT', `/members/${member}/resume`, {
        member: { challenges: challenges.map((c) => ({ guid: c.guid, value: 'correct' })) },
      });
      lastWriteIndex = client.timestamps.length;
      continue;
    }
    if (status.connection_status === 'CONNECTED' && !status.is_being_aggregated) {
      const knownAt = Date.now();
      const finishedAt = Date.parse(status.successfully_aggregated_at ?? '');
      const polls = client.timestamps.slice(lastWriteIndex).filter((t) => t.route.endsWith('/status')).length;
      // The success screen's account list.
      if (options.mirror.accounts) await client.call('GET', `/members/${member}/accounts`);
      return {
        counts: Object.fromEntries(client.counts),
        total: [...client.counts.values()].reduce((s, n) => s + n, 0),
        searches: client.timestamps.filter((t) => t.route === 'GET /institutions').map((t) => t.detail ?? ''),
        pollsAfterLastWrite: polls,
        detectionMs: knownAt - finishedAt,
        elapsedMs: knownAt - started,
      };
    }
    if (
      !status.is_being_aggregated &&
      !['CREATED', 'UPDATED', 'RESUMED', 'DELAYED'].includes(status.connection_status)
    ) {
      throw new Error(`naive flow: member ended ${status.connection_status}`);
    }
    if (Date.now() - started > 120_000) throw new Error('naive flow: not connected after 120 s');
  }
}

function search(client: ProxyClient, term: string) {
  return client.call('GET', `/institutions?name=${encodeURIComponent(term)}&page=1&records_per_page=25`);
}
