const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A plain-text message as a minimal HTML document: escaped, blank lines → paragraphs, line breaks kept; `footerHtml` appended as is. */
export function textToHtml(text: string, footerHtml = ''): string {
  const paragraphs = escape(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
  return `<!doctype html><html><body>${paragraphs}${footerHtml}</body></html>`;
}
