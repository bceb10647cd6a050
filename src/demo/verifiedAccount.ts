/** What the demo page may see of the numbers its backend read (`POST /demo/verified-account`): the last digits. */
export interface VerifiedAccountSummary {
  accountNumberLastFour: string;
  routingNumberLastFour: string | null;
  passedValidation: boolean | null;
}

/**
 * Asks the demo's backend to read the verified account's numbers (`POST /demo/verified-account`), as a partner's page
 * would after `onSuccess` in verification mode. The answer holds the last four digits only; a failure is a sentence.
 */
export async function readVerifiedAccount(
  memberGuid: string,
  accountGuid: string,
): Promise<VerifiedAccountSummary | string> {
  try {
    const response = await fetch('/demo/verified-account', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Member-Connect': '1' },
      body: JSON.stringify({ memberGuid, accountGuid }),
    });
    if (!response.ok) return `Fernway’s backend could not read the numbers (${response.status}).`;
    return (await response.json()) as VerifiedAccountSummary;
  } catch {
    return 'Fernway’s backend could not be reached.';
  }
}

/** One line for the page: the last digits only, as the backend sent them. */
export function describeVerifiedAccount(verified: VerifiedAccountSummary | string): string {
  if (typeof verified === 'string') return verified;
  const routing = verified.routingNumberLastFour ?? '?';
  const validated = verified.passedValidation === true ? ' (validated)' : '';
  return `Fernway’s backend read them from MX: account ••${verified.accountNumberLastFour}, routing ••${routing}${validated}. The full numbers stay on the server.`;
}
