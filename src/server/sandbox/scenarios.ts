// What a credential value makes the sandbox do. MX's documented MX Bank passwords (mx-platform.md §9) come first; the
// rest are ours, so that every MFA type, a two-round MFA and each of the 22 connection statuses can be produced from
// the UI by typing a password.

import { CONNECTION_STATUSES, type ConnectionStatus } from '../../mx/mxEnums.ts';

export { CONNECTION_STATUSES };
export type { ConnectionStatus };

export type ChallengeType = 'TEXT' | 'OPTIONS' | 'TOKEN' | 'IMAGE_DATA' | 'IMAGE_OPTIONS';

export interface ChallengeTemplate {
  readonly type: ChallengeType;
  readonly field_name: string;
  readonly label: string;
  /** For OPTIONS / IMAGE_OPTIONS: the choices; `correct` marks those accepted. */
  readonly options?: readonly { label: string; value: string; correct: boolean; image?: string }[];
  readonly image_data?: string;
}

/** What happens once the institution has answered the login (the end of the first aggregation phase). */
export type Scenario =
  | { readonly kind: 'connect' }
  | { readonly kind: 'end'; readonly status: ConnectionStatus; readonly reason?: string }
  /** A transient status is shown for a while, then the member connects. */
  | { readonly kind: 'slow'; readonly status: ConnectionStatus }
  | { readonly kind: 'mfa'; readonly rounds: readonly (readonly ChallengeTemplate[])[] };

/** The answer that satisfies a TEXT, TOKEN or IMAGE_DATA challenge (MX Bank: "answer `correct`"); tokens also take this code. */
export const CORRECT_ANSWER = 'correct';
export const CORRECT_TOKEN = '123456';

// Small generated images so challenges carry real data URIs without external hosts. Each names what it shows
// (role="img" + aria-label + title) for anyone opening the picture on its own.
const svgDataUri = (label: string, width: number, height: number, body: string): string =>
  `data:image/svg+xml;base64,${btoa(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}"><title>${label}</title>${body}</svg>`,
  )}`;
const choiceImage = (label: string, shape: string): string =>
  svgDataUri(label, 96, 96, `<rect width="96" height="96" rx="12" fill="#eeeeee"/>${shape}`);

// The picture shows exactly the accepted answer (CORRECT_ANSWER), large, dark on light, in a plain font: the
// sandbox tests the flow, not anyone's eyesight.
const CAPTCHA_IMAGE = svgDataUri(
  `The characters: ${CORRECT_ANSWER}`,
  240,
  80,
  '<rect x="1" y="1" width="238" height="78" rx="10" fill="#f4f6f8" stroke="#8a99a8" stroke-width="2"/>' +
    `<text x="120" y="53" font-family="Helvetica, Arial, sans-serif" font-size="38" font-weight="700" letter-spacing="3" text-anchor="middle" fill="#14212e">${CORRECT_ANSWER}</text>`,
);
const IMAGE_CHOICES = [
  {
    label: 'A red circle',
    value: 'red_circle',
    image: choiceImage('A red circle', '<circle cx="48" cy="48" r="28" fill="#d33"/>'),
  },
  {
    label: 'A green square',
    value: 'correct',
    image: choiceImage('A green square', '<rect x="22" y="22" width="52" height="52" fill="#2a2"/>'),
  },
  {
    label: 'A blue triangle',
    value: 'blue_triangle',
    image: choiceImage('A blue triangle', '<path d="M48 18 80 76H16z" fill="#36c"/>'),
  },
];

const TEXT_CHALLENGE: ChallengeTemplate = {
  type: 'TEXT',
  field_name: 'What city were you born in?',
  label: 'What city were you born in?',
};
const OPTIONS_CHALLENGE: ChallengeTemplate = {
  type: 'OPTIONS',
  field_name: 'Which of these is the correct answer?',
  label: 'Which of these is the correct answer?',
  options: [
    { label: 'correct', value: 'correct', correct: true },
    { label: 'incorrect', value: 'incorrect', correct: false },
  ],
};
const IMAGE_DATA_CHALLENGE: ChallengeTemplate = {
  type: 'IMAGE_DATA',
  field_name: 'Type the characters in the picture',
  label: 'Type the characters in the picture',
  image_data: CAPTCHA_IMAGE,
};
const TOKEN_CHALLENGE: ChallengeTemplate = {
  type: 'TOKEN',
  field_name: 'One-time code',
  label: 'Enter the 6-digit code we sent you',
};
const IMAGE_OPTIONS_CHALLENGE: ChallengeTemplate = {
  type: 'IMAGE_OPTIONS',
  field_name: 'Choose your security image',
  label: 'Choose your security image',
  options: IMAGE_CHOICES.map((choice) => ({ ...choice, correct: choice.value === 'correct' })),
};
const PHONE_CHALLENGE: ChallengeTemplate = {
  type: 'OPTIONS',
  field_name: 'Where should we send your code?',
  label: 'Where should we send your one-time code?',
  options: [
    { label: 'Text (***) ***-1234', value: 'phone_1234', correct: true },
    { label: 'Text (***) ***-5678', value: 'phone_5678', correct: true },
  ],
};

/** Failure passwords MX documents for `mxuser`; they can also be given as an MFA answer. */
const ERROR_PASSWORDS: Readonly<Record<string, { status: ConnectionStatus; reason: string }>> = {
  BAD_REQUEST: { status: 'FAILED', reason: 'You must fill out the username and password fields.' },
  UNAUTHORIZED: { status: 'DENIED', reason: 'Invalid credentials.' },
  INVALID: { status: 'DENIED', reason: 'The login and/or password are invalid.' },
  LOCKED: { status: 'LOCKED', reason: 'The credentials are valid, but the user is locked.' },
  DISABLED: { status: 'DENIED', reason: 'The credentials are valid, but the user is locked.' },
  SERVER_ERROR: { status: 'FAILED', reason: 'Internal server error.' },
  UNAVAILABLE: { status: 'FAILED', reason: 'Service is Unavailable.' },
};

/** Statuses that are normally passed through on the way to CONNECTED: their password shows them for a while. */
const TRANSIENT: ReadonlySet<ConnectionStatus> = new Set(['CREATED', 'UPDATED', 'RESUMED', 'RECONNECTED', 'DELAYED']);

function statusScenario(status: ConnectionStatus): Scenario {
  if (status === 'CONNECTED') return { kind: 'connect' };
  if (status === 'CHALLENGED') return { kind: 'mfa', rounds: [[TEXT_CHALLENGE]] };
  if (TRANSIENT.has(status)) return { kind: 'slow', status };
  return { kind: 'end', status };
}

const NAMED_SCENARIOS: ReadonlyMap<string, { scenario: Scenario; outcome: string }> = (() => {
  const map = new Map<string, { scenario: Scenario; outcome: string }>();
  map.set('challenge', {
    scenario: { kind: 'mfa', rounds: [[TEXT_CHALLENGE]] },
    outcome: 'CHALLENGED with a TEXT question (MX); answer `correct` to connect, anything else ends REJECTED',
  });
  map.set('options', {
    scenario: { kind: 'mfa', rounds: [[OPTIONS_CHALLENGE]] },
    outcome: 'CHALLENGED with an OPTIONS question (MX); choose `correct` to connect',
  });
  map.set('image', {
    scenario: { kind: 'mfa', rounds: [[IMAGE_DATA_CHALLENGE]] },
    outcome: 'CHALLENGED with an IMAGE_DATA question (MX); the picture shows `correct`: type it to connect',
  });
  for (const [password, { status, reason }] of Object.entries(ERROR_PASSWORDS)) {
    map.set(password, { scenario: { kind: 'end', status, reason }, outcome: `${status}: "${reason}" (MX)` });
  }
  map.set('token', {
    scenario: { kind: 'mfa', rounds: [[TOKEN_CHALLENGE]] },
    outcome: `CHALLENGED with a TOKEN (one-time code); enter ${CORRECT_TOKEN} or \`correct\` to connect`,
  });
  map.set('image_options', {
    scenario: { kind: 'mfa', rounds: [[IMAGE_OPTIONS_CHALLENGE]] },
    outcome: 'CHALLENGED with IMAGE_OPTIONS; pick the green square (value `correct`) to connect',
  });
  map.set('two_round', {
    scenario: { kind: 'mfa', rounds: [[PHONE_CHALLENGE], [TOKEN_CHALLENGE]] },
    outcome: `two MFA rounds: OPTIONS (choose any phone), then TOKEN (enter ${CORRECT_TOKEN} or \`correct\`)`,
  });
  map.set('multi_challenge', {
    scenario: { kind: 'mfa', rounds: [[TEXT_CHALLENGE, OPTIONS_CHALLENGE, TOKEN_CHALLENGE]] },
    outcome: 'one MFA round with three challenges (TEXT, OPTIONS, TOKEN); all must be answered correctly',
  });
  for (const status of CONNECTION_STATUSES) {
    const scenario = statusScenario(status);
    const outcome =
      scenario.kind === 'slow'
        ? `${status} for a while (aggregating), then CONNECTED`
        : scenario.kind === 'mfa'
          ? `${status} (same as \`challenge\`)`
          : status;
    // MX's own passwords keep their documented meaning: bare `DISABLED` is MX's DENIED scenario, so the DISABLED
    // status is reached with `STATUS_DISABLED` only. Every status also has the `STATUS_` form for consistency.
    if (!map.has(status)) map.set(status, { scenario, outcome });
    map.set(`STATUS_${status}`, { scenario, outcome });
  }
  return map;
})();

/** Every scenario password and what it does, for docs, stories and the demo. Any other password connects. */
export const SANDBOX_SCENARIOS: readonly { password: string; outcome: string }[] = [...NAMED_SCENARIOS].map(
  ([password, { outcome }]) => ({ password, outcome }),
);

/** The scenario a credential value selects (case-sensitive, as at MX), or undefined for an ordinary value. */
export function scenarioForValue(value: string): Scenario | undefined {
  return NAMED_SCENARIOS.get(value)?.scenario;
}

/** The outcome of an MFA answer that is one of the error passwords, if it is one. */
export function errorPasswordOutcome(value: string): { status: ConnectionStatus; reason: string } | undefined {
  return Object.hasOwn(ERROR_PASSWORDS, value) ? ERROR_PASSWORDS[value] : undefined;
}

/** End-user text for `connection_status_message`, in the spirit of MX's messages. */
export function statusMessage(status: ConnectionStatus | null, institutionName: string): string | null {
  switch (status) {
    case null:
      return null;
    case 'CREATED':
      return `Connecting to ${institutionName}…`;
    case 'UPDATED':
      return `Your connection to ${institutionName} was updated.`;
    case 'RESUMED':
      return `Checking your answer with ${institutionName}…`;
    case 'RECONNECTED':
      return `Reconnecting to ${institutionName}…`;
    case 'DELAYED':
      return `Connecting to ${institutionName} is taking longer than usual.`;
    case 'CONNECTED':
      return `Connected to ${institutionName}.`;
    case 'CHALLENGED':
      return `${institutionName} needs more information to verify your identity.`;
    case 'PREVENTED':
      return `Too many failed attempts. Please re-enter your ${institutionName} credentials.`;
    case 'DENIED':
      return `The credentials entered do not match your credentials at ${institutionName}. Please re-enter them to continue.`;
    case 'REJECTED':
      return `The answer you provided was incorrect.`;
    case 'LOCKED':
      return `Your account is locked. Please log in to ${institutionName}'s website to unlock it.`;
    case 'IMPEDED':
      return `Your attention is needed at ${institutionName}'s website.`;
    case 'DEGRADED':
      return `We are having trouble connecting to ${institutionName}. Please try again later.`;
    case 'DISCONNECTED':
      return `The connection to ${institutionName} is not updating. Please try again later.`;
    case 'DISCONTINUED':
      return `Connections to ${institutionName} are no longer supported.`;
    case 'CLOSED':
      return `This connection has been closed.`;
    case 'FAILED':
      return `There was a problem validating your credentials with ${institutionName}. Please try again later.`;
    case 'DISABLED':
      return `Updates for this connection have been disabled.`;
    case 'IMPORTED':
      return `Please enter your ${institutionName} credentials to continue.`;
    case 'EXPIRED':
      return `The answer was not provided in time. Please try again.`;
    case 'IMPAIRED':
      return `Some required credentials are missing. Please enter them to continue.`;
    case 'PENDING':
      return `Log in at ${institutionName} to finish connecting.`;
  }
}
