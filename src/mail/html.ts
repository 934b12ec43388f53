const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const URL_IN_ESCAPED_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/**
 * A plain-text message as a minimal HTML document: escaped, blank lines → paragraphs, line breaks
 * kept, http(s) URLs as links (their href through `href`, e.g. to track them); `footerHtml`
 * appended as is.
 */
export function textToHtml(text: string, footerHtml = '', href: (url: string) => string = (u) => u): string {
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  const paragraphs = escape(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>').replace(URL_IN_ESCAPED_TEXT, (u) => `<a href="${escape(href(unescape(u)))}">${u}</a>`)}</p>`)
    .join('');
  return `<!doctype html><html><body>${paragraphs}${footerHtml}</body></html>`;
}
