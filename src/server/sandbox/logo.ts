// Institution logos: tiny SVGs generated from the name and colour, served by the sandbox itself.
const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function initials(name: string): string {
  const words = name.split(/\s+/).filter((word) => /^[A-Za-z]/.test(word));
  return words
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}

export function logoSvg(name: string, colour: string, size: number): string {
  const label = escapeXml(initials(name));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100" role="img" aria-label="${escapeXml(name)}"><rect width="100" height="100" rx="18" fill="${colour}"/><text x="50" y="63" font-family="Helvetica, Arial, sans-serif" font-size="38" font-weight="700" text-anchor="middle" fill="#ffffff">${label}</text></svg>`;
}
