import { describe, expect, it } from 'vitest';
import { mapUrls, textToHtml } from '../../src/platform/mail/html.js';

/** The URLs each part links to: the text part through `mapUrls`, the HTML part's hrefs (unescaped). */
const linked = (body: string) => {
  const text: string[] = [];
  mapUrls(body, (u) => (text.push(u), u));
  const html = [...textToHtml(body, '', (u) => `T(${u})`).matchAll(/href="T\(([^"]*)\)"/g)].map((m) =>
    m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&'),
  );
  return { text, html };
};

describe('links in email bodies', () => {
  it.each([
    ['angle brackets', 'Photos: <https://example.com/photos/2>', 'https://example.com/photos/2'],
    ['double quotes', 'Click "https://example.com/a?b=1&c=2" now', 'https://example.com/a?b=1&c=2'],
    ['single quotes', "It's at 'https://example.com/x'.", 'https://example.com/x'],
    ['parentheses', '(see https://example.com/p)', 'https://example.com/p'],
    [
      'balanced parentheses',
      'https://en.wikipedia.org/wiki/Flip_(real_estate).',
      'https://en.wikipedia.org/wiki/Flip_(real_estate)',
    ],
    [
      'trailing punctuation',
      'Go to https://example.com/offer?id=7&src=mail. Or call!',
      'https://example.com/offer?id=7&src=mail',
    ],
    ['a question', 'Seen https://example.com/a?', 'https://example.com/a'],
    ['end of sentence with colon', 'Here: https://example.com/b:', 'https://example.com/b'],
  ])('%s: the text and HTML parts link to the same URL', (_name, body, url) => {
    expect(linked(body)).toEqual({ text: [url], html: [url] });
  });

  it('escapes everything else and keeps the visible link text as written', () => {
    const html = textToHtml(
      'A <b>&</b> "q"\nhttps://example.com/?a=1&b=<2>',
      '',
      (u) => `https://t.test/?u=${encodeURIComponent(u)}`,
    );
    expect(html).toContain('A &lt;b&gt;&amp;&lt;/b&gt; &quot;q&quot;<br>');
    expect(html).toContain(
      '<a href="https://t.test/?u=https%3A%2F%2Fexample.com%2F%3Fa%3D1%26b%3D">' +
        'https://example.com/?a=1&amp;b=</a>&lt;2&gt;',
    );
    expect(html).not.toMatch(/&gt(?!;)|&quot(?!;)/);
  });

  it('leaves text without URLs untouched and finds several', () => {
    expect(mapUrls('no links here: http:// nor https://', (u) => `[${u}]`)).toBe('no links here: http:// nor https://');
    expect(mapUrls('a https://x.test/1, b <https://x.test/2>', (u) => `[${u}]`)).toBe(
      'a [https://x.test/1], b <[https://x.test/2]>',
    );
  });
});
