import { chromiumPath, hasChromium } from './chromium.mjs';

if (!hasChromium()) {
  console.error(
    `No Chromium found at ${chromiumPath()}.\n` +
      "Install Debian's package with: apt-get update && apt-get install -y chromium\n" +
      'or point CHROMIUM_PATH at a Chromium binary. (Browsers are never downloaded by this project.)',
  );
  process.exit(1);
}
