/** Text safe to put in HTML content and attribute values. */
export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** http(s) URLs in plain text, trailing punctuation left out (also matches in escaped text: & stays inside, quotes end it). */
export const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/**
 * A plain-text message as a minimal HTML document: escaped, blank lines → paragraphs, line breaks
 * kept, http(s) URLs as links (their href through `href`, e.g. to track them); `footerHtml`
 * appended as is.
 */
export function textToHtml(text: string, footerHtml = '', href: (url: string) => string = (u) => u): string {
  const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  const paragraphs = escapeHtml(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>').replace(URL_IN_TEXT, (u) => `<a href="${escapeHtml(href(unescapeHtml(u)))}">${u}</a>`)}</p>`)
    .join('');
  return `<!doctype html><html><body>${paragraphs}${footerHtml}</body></html>`;
}
