import type { ProxyClient } from './proxyClient.ts';

export interface MemberStatus {
  guid: string;
  connection_status: string;
  is_being_aggregated: boolean;
}
interface Credential {
  guid: string;
  field_name: string;
  type?: string;
  field_type?: string;
}
interface Challenge {
  guid: string;
  type: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const MXBANK = 'mxbank';
export const USERNAME = 'mxuser';
/** MX Bank's password for one TEXT challenge; the answer below connects. */
export const MFA_PASSWORD = 'challenge';
export const MFA_ANSWER = 'correct';
/** Any other password connects without MFA. */
export const PLAIN_PASSWORD = 'password';

export async function credentialsBody(client: ProxyClient, institutionCode: string, password: string) {
  const { credentials } = await client.call<{ credentials: Credential[] }>(
    'GET',
    `/institutions/${institutionCode}/credentials`,
  );
  return {
    member: {
      institution_code: institutionCode,
      credentials: credentials.map((c) => ({
        guid: c.guid,
        value: (c.field_type ?? c.type) === 'PASSWORD' ? password : USERNAME,
      })),
    },
  };
}

export async function createMember(client: ProxyClient, body: unknown): Promise<string> {
  const { member } = await client.call<{ member: { guid: string } }>('POST', '/members', body);
  return member.guid;
}

export async function answerChallenges(client: ProxyClient, memberGuid: string): Promise<void> {
  const { challenges } = await client.call<{ challenges: Challenge[] }>('GET', `/members/${memberGuid}/challenges`);
  await client.call('PUT', `/members/${memberGuid}/resume`, {
    member: { challenges: challenges.map((c) => ({ guid: c.guid, value: MFA_ANSWER })) },
  });
}

/**
 * Polls `/members/{guid}/status` at a fixed interval, answering MFA, until CONNECTED. Throws on any other end state
 * or after `timeoutMs`. `onStatus` sees every status read (the bench uses it to time detection).
 */
export async function pollUntilConnected(
  client: ProxyClient,
  memberGuid: string,
  options: { intervalMs: number; timeoutMs: number; onStatus?: (s: MemberStatus) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const { member } = await client.call<{ member: MemberStatus }>('GET', `/members/${memberGuid}/status`);
    options.onStatus?.(member);
    // MX keeps is_being_aggregated true while it waits for MFA answers, so CHALLENGED is checked first.
    if (member.connection_status === 'CHALLENGED') {
      await answerChallenges(client, memberGuid);
      continue;
    }
    if (!member.is_being_aggregated) {
      if (member.connection_status === 'CONNECTED') return;
      if (!['CREATED', 'UPDATED', 'RESUMED', 'RECONNECTED', 'DELAYED'].includes(member.connection_status)) {
        throw new Error(`member ended ${member.connection_status}`);
      }
    }
    if (Date.now() > deadline) throw new Error(`not connected after ${options.timeoutMs} ms`);
    await sleep(options.intervalMs);
  }
}
