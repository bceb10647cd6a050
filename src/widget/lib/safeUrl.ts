// Pure helpers live in widget/lib/, not in component files, so fields/, ui/ and steps/ can share them without
// importing each other.

/** Only http(s) and data:image URLs are ever put into the page. */
export const safeUrl = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined;
  if (/^data:image\/(png|jpe?g|gif|webp|svg\+xml);base64,/i.test(url)) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
};
