// The steps after search, each in its own chunk: the first screen (consent and search) pays for neither them nor
// react-hook-form (issue 12, "Bytes"). They are prefetched while the person searches, so choosing a bank rarely waits.
import { type ComponentProps, type ComponentType, lazy, useState } from 'react';

import type { AccountSelectStep as AccountSelectStepType } from './steps/AccountSelectStep/AccountSelectStep';
import type { ClosedStep as ClosedStepType } from './steps/ClosedStep/ClosedStep';
import type { ConnectedStep as ConnectedStepType } from './steps/ConnectedStep/ConnectedStep';
import type { ConnectionErrorStep as ConnectionErrorStepType } from './steps/ConnectionErrorStep/ConnectionErrorStep';
import type { ConnectionStatusStep as ConnectionStatusStepType } from './steps/ConnectionStatusStep/ConnectionStatusStep';
import type { CredentialsStep as CredentialsStepType } from './steps/CredentialsStep/CredentialsStep';
import type { MfaStep as MfaStepType } from './steps/MfaStep/MfaStep';
import type { OAuthStep as OAuthStepType } from './steps/OAuthStep/OAuthStep';

const preloads: (() => Promise<unknown>)[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each step's own props type flows through `T`
function lazyStep<T extends ComponentType<any>>(load: () => Promise<T>): T {
  let loaded: T | undefined;
  const preload = () =>
    load().then((component) => {
      loaded = component;
      return component;
    });
  preloads.push(preload);
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Step(props: ComponentProps<T>) {
    // Chosen once per mount: switching from the lazy wrapper to the loaded component later would re-mount the step.
    // An already loaded step renders at once, without a Suspense fallback flashing for a frame.
    const [Component] = useState(() => (loaded ?? Lazy) as ComponentType<ComponentProps<T>>);
    return <Component {...props} />;
  }
  return Step as unknown as T;
}

/** Starts loading every later step (idempotent: the browser fetches each chunk once). Failures wait for the real use. */
export function prefetchSteps(): void {
  for (const preload of preloads) preload().catch(() => undefined);
}

export const CredentialsStep = lazyStep<typeof CredentialsStepType>(() =>
  import('./steps/CredentialsStep/CredentialsStep').then((m) => m.CredentialsStep),
);
export const OAuthStep = lazyStep<typeof OAuthStepType>(() =>
  import('./steps/OAuthStep/OAuthStep').then((m) => m.OAuthStep),
);
export const ConnectionStatusStep = lazyStep<typeof ConnectionStatusStepType>(() =>
  import('./steps/ConnectionStatusStep/ConnectionStatusStep').then((m) => m.ConnectionStatusStep),
);
export const MfaStep = lazyStep<typeof MfaStepType>(() => import('./steps/MfaStep/MfaStep').then((m) => m.MfaStep));
export const ConnectionErrorStep = lazyStep<typeof ConnectionErrorStepType>(() =>
  import('./steps/ConnectionErrorStep/ConnectionErrorStep').then((m) => m.ConnectionErrorStep),
);
export const ConnectedStep = lazyStep<typeof ConnectedStepType>(() =>
  import('./steps/ConnectedStep/ConnectedStep').then((m) => m.ConnectedStep),
);
export const AccountSelectStep = lazyStep<typeof AccountSelectStepType>(() =>
  import('./steps/AccountSelectStep/AccountSelectStep').then((m) => m.AccountSelectStep),
);
export const ClosedStep = lazyStep<typeof ClosedStepType>(() =>
  import('./steps/ClosedStep/ClosedStep').then((m) => m.ClosedStep),
);
