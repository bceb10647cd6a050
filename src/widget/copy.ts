// Every user-facing string of the widget. Locales other than English are separate modules loaded on demand, so an
// English-only host ships none of them. `{name}` placeholders are filled by formatMessage().
import type { ConnectLocale } from '../contract/hostContract';

export const en = {
  loading: 'Loading…',
  close: 'Close',
  back: 'Back',
  retry: 'Try again',
  // Search
  searchHeading: 'Select your institution',
  searchLabel: 'Search for your bank',
  searchHint: 'Type at least 2 characters.',
  popularHeading: 'Popular institutions',
  resultsHeading: 'Search results',
  searching: 'Searching…',
  noResults: 'No institutions match “{query}”.',
  searchError: 'We could not load institutions.',
  showMore: 'Show more results',
  resultsCount: 'Showing {shown} of {total} institutions.',
  // Credentials
  credentialsHeading: 'Log in to {institution}',
  updateCredentialsHeading: 'Update your credentials for {institution}',
  submit: 'Continue',
  submitting: 'Connecting…',
  showPassword: 'Show password',
  hidePassword: 'Hide password',
  fieldRequired: 'This field is required.',
  visitInstitution: 'Go to {institution} website',
  forgotPassword: 'Forgot password?',
  forgotUsername: 'Forgot username?',
  troubleSigningIn: 'Trouble signing in?',
  logoAlt: '{institution} logo',
  credentialsLoadError: 'We could not load the login form for this institution.',
  submitError: 'We could not send your credentials. Nothing was lost; please try again.',
  rateLimited: 'Too many attempts. Please wait a moment and try again.',
  deniedTitle: 'The credentials were not accepted.',
  deniedReason: 'The username or password is not correct. Check them and try again.',
  preventedReason: 'There were too many failed attempts. Check your credentials carefully before trying again.',
  impairedReason: 'Some required information is missing. Please fill in every field.',
  importedReason: 'Enter your credentials to finish connecting this account.',
  deniedFallback: 'The institution did not accept these credentials. Check them and try again.',
  duplicateTitle: 'This account is already connected.',
  duplicateBody:
    'You have already connected {institution} with these credentials, so we did not create a second connection.',
  useExisting: 'Use the existing connection',
  opensInNewTab: '(opens in a new tab)',
  // Status
  statusHeading: 'Connecting to {institution}',
  statusConnecting: 'Verifying your credentials with {institution}…',
  statusDelayed: 'This is taking longer than usual. You can keep waiting.',
  statusResumed: 'Checking your answer…',
  statusPollError: 'We lost contact while checking the connection. We will keep trying.',
  // MFA
  mfaHeading: '{institution} needs more information',
  mfaIntro: 'Answer to continue connecting.',
  mfaSubmit: 'Submit',
  mfaLoadError: 'We could not load the security questions.',
  mfaRejected: 'That answer was not accepted. Please answer the new question.',
  // OAuth
  oauthHeading: 'Connect with {institution}',
  oauthIntro: 'You will log in securely on the {institution} website in a new window, then come back here to finish.',
  oauthContinue: 'Go to {institution}',
  oauthWaiting: 'Waiting for you to finish in the {institution} window…',
  oauthBlocked: 'Your browser blocked the window. Use this link to continue:',
  oauthLink: 'Open {institution} to log in',
  oauthError: 'The connection was not completed at {institution}.',
  // Errors after status
  rejectedTitle: 'That answer was not accepted.',
  rejectedBody: 'You can start the verification again.',
  expiredTitle: 'The time to answer ran out.',
  expiredBody: 'Start the connection again to get a new question.',
  startAgain: 'Start again',
  actionTitle: '{institution} needs your attention.',
  actionBody: 'Log in on the {institution} website to resolve the issue, then try again here.',
  problemTitle: '{institution} is having trouble.',
  problemBody: 'The institution could not be reached. You can try again now or come back later.',
  unavailableTitle: 'This connection is not available.',
  unavailableBody: '{institution} cannot be connected here right now.',
  // Connected
  connectedHeading: 'Connected',
  connectedBody: 'You connected {institution} to {partner}.',
  done: 'Done',
  // Closed / failures
  closedHeading: 'Connection closed',
  sessionExpired: 'Your session has expired. Start again to continue.',
  exitedBody: 'You left without connecting an account.',
  networkError: 'We could not reach the server. Check your connection and try again.',
  timeoutError: 'The server took too long to answer. Please try again.',
  serverError: 'Something went wrong on our side. Please try again.',
  widgetError: 'Something went wrong. Please reload the page and try again.',
  // widget-flow: consent, search, progress and success (issue 12)
  securityCue: 'Private and secure',
  partnerFallback: 'This app',
  partnerFallbackInline: 'this app',
  consentHeading: '{partner} uses member-connect to link your bank',
  consentDataIntro: 'With your permission, {partner} will be able to see:',
  dataAccountDetails: 'Account names and types',
  dataBalances: 'Balances',
  dataTransactions: 'Transactions',
  dataAccountNumbers: 'Account and routing numbers',
  consentCredentials:
    'Your bank password goes only to the bank’s secure connection partner and is never visible to {partner}.',
  consentPrivacy: 'Read {partner}’s privacy policy',
  consentContinue: 'Continue',
  searchPlaceholder: 'Bank or credit union name',
  searchRetrying: 'Still trying in the background…',
  noResultsAdvice: 'Check the spelling, or try a shorter part of the name.',
  notListed: 'My bank isn’t listed',
  stagesLabel: 'Connection progress',
  stageVerifying: 'Verifying credentials',
  stageSyncing: 'Syncing accounts',
  stageFinishing: 'Finishing up',
  stageDone: '(done)',
  accountsHeading: 'Connected accounts',
  accountEnding: '{type} ending in {lastFour}',
  accountTypeChecking: 'Checking',
  accountTypeSavings: 'Savings',
  accountTypeCreditCard: 'Credit card',
  accountTypeLoan: 'Loan',
  accountTypeMortgage: 'Mortgage',
  accountTypeInvestment: 'Investment',
  accountTypeLineOfCredit: 'Line of credit',
  accountTypeOther: 'Account',
  accountsError: 'The connection worked, but we could not load the list of accounts.',
  doneConfirmation: 'All done: these accounts are now connected to {partner}.',
  connectAnother: 'Connect another account',
  // widget-recovery: leaving, recovering, OAuth window, credentials details
  frameTitle: 'Connect your bank account',
  oauthShowWindow: 'Return to the {institution} window',
  oauthWindowClosed: 'The {institution} window was closed before you finished.',
  oauthWindowClosedBody: 'Open it again to log in and give your permission.',
  oauthReopen: 'Reopen {institution}',
  oauthDeniedBody: 'Access was not allowed at {institution}. To connect, open {institution} again and allow access.',
  exitTitle: 'Exit?',
  exitBody: 'What you entered will be lost.',
  exitStay: 'Stay',
  exitConfirm: 'Exit',
  chooseAnotherBank: 'Choose another bank',
  capsLockOn: 'Caps Lock is on.',
  choiceRequired: 'Choose an option.',
  institutionInstructions: 'Instructions from {institution}',
  institutionMessage: 'Message from {institution}',
  challengeImageAlt: 'Security picture for this question',
  // verification mode (issue 15 §2)
  verificationUnavailable: 'Verification not available',
  verificationUnavailableTitle: 'Verification isn’t available at {institution}.',
  verificationUnavailableBody:
    '{institution} does not support account verification here. Choose another bank to verify an account.',
  verifyError: 'We could not start the verification.',
  accountSelectHeading: 'Choose an account',
  accountSelectIntro: 'Choose the account to share with {partner}. Only checking and savings accounts can be used.',
  accountSelectLegend: 'Accounts at {institution}',
  accountSelectRequired: 'Choose an account to continue.',
  noEligibleTitle: 'No checking or savings account at {institution}',
  noEligibleBody: 'Verification needs a checking or savings account. You can choose another bank.',
  chosenAccountHeading: 'Chosen account',
} as const;

/** Message ids and their text; pass a partial set as `messages` to override any of them. */
export type ConnectMessages = { [K in keyof typeof en]: string };
export type MessageId = keyof ConnectMessages;

export function formatMessage(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}

/** Loads a locale's messages. Non-English locales are dynamic imports (separate chunks). */
export async function loadMessages(locale: ConnectLocale): Promise<ConnectMessages> {
  switch (locale) {
    case 'en':
      return en;
    case 'es':
      return (await import('./locales/es')).es;
    case 'fr-CA':
      return (await import('./locales/frCA')).frCA;
    default:
      return locale satisfies never;
  }
}
