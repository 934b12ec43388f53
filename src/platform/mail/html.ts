/** Text safe to put in HTML content and attribute values. */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * http(s) URLs in plain (unescaped) text. A URL ends at white space, angle brackets or quotes, so
 * `<https://x.test/a>` and `"https://x.test/a"` give the bare URL; trailing punctuation (`.,;:!?`)
 * and a closing bracket that does not belong to the URL are left out (`(see https://x.test/a)`),
 * while a balanced one is kept (`https://en.wikipedia.org/wiki/Flip_(real_estate)`).
 */
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Calls `onUrl` for every URL in `text` and `onText` for the text between them; joins the results. */
export function mapUrls(
  text: string,
  onUrl: (url: string) => string,
  onText: (text: string) => string = (t) => t,
): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const url = trimUrl(match[0]);
    if (!/^https?:\/\/[^/?#]/i.test(url)) continue;
    out += onText(text.slice(last, match.index)) + onUrl(url);
    last = match.index + url.length;
  }
  return out + onText(text.slice(last));
}

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const end = url.at(-1)!;
    if ('.,;:!?*'.includes(end)) url = url.slice(0, -1);
    else if (end === ')' && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
    else if (end === ']' && count(url, '[') < count(url, ']')) url = url.slice(0, -1);
    else return url;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/**
 * A plain-text message as a minimal HTML document: URLs found in the raw text (before escaping, so
 * the text and HTML parts link to the same places) become links whose href goes through `href`
 * (e.g. to track them); everything else is escaped, blank lines → paragraphs, line breaks kept.
 * `footerHtml` is appended as is.
 */
export function textToHtml(text: string, footerHtml = '', href: (url: string) => string = (u) => u): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map(
      (p) =>
        `<p>${mapUrls(
          p,
          (u) => `<a href="${escapeHtml(href(u))}">${escapeHtml(u)}</a>`,
          (t) => escapeHtml(t).replace(/\n/g, '<br>'),
        )}</p>`,
    )
    .join('');
  return `<!doctype html><html><body>${paragraphs}${footerHtml}</body></html>`;
}
