// One place that knows where Chromium is and how to start it on these machines (Debian's `chromium` package;
// never a downloaded browser). Used by the Storybook story tests, the e2e tests and the bench.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function hasChromium() {
  return existsSync(chromiumPath());
}
