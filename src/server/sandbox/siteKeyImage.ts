// IMAGE_URL credentials point at this picture: the sandbox serves it itself (like the logos), so it shows under a
// strict `img-src 'self' data:` CSP and never needs a fictional bank's host.
import { initials } from './logo.ts';

const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A "site key" picture (a key on the bank's colour, with its initials), as banks show before the password. */
export function siteKeySvg(name: string, colour: string): string {
  const label = escapeXml(`${name} site key image`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="100" viewBox="0 0 160 100" role="img" aria-label="${label}"><title>${label}</title><rect width="160" height="100" rx="12" fill="${colour}"/><circle cx="48" cy="50" r="26" fill="none" stroke="#ffffff" stroke-width="8"/><path d="M78 45h58v10h-10v14h-10V55h-8v10H98V55H78z" fill="#ffffff"/><text x="48" y="56" font-family="Helvetica, Arial, sans-serif" font-size="16" font-weight="700" text-anchor="middle" fill="#ffffff">${escapeXml(initials(name))}</text></svg>`;
}
