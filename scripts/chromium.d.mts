// Types for chromium.mjs, which stays plain JavaScript so `node scripts/require-chromium.mjs` runs without a build.
export declare const CHROMIUM_ARGS: string[];
export declare function chromiumPath(): string;
export declare function hasChromium(): boolean;
