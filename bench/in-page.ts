/**
 * Functions run inside the browser page by Playwright's `page.evaluate` (the web client's benchmark
 * and browser tests): they touch the page's DOM, so they are declared against the few browser
 * globals they use (this program is compiled without DOM types).
 */
interface PageElement {
  value: string;
  dispatchEvent(event: unknown): boolean;
}
declare const document: { querySelector(selector: string): PageElement | null; body: unknown };
declare const MutationObserver: new (callback: () => void) => {
  observe(target: unknown, options: object): void;
  disconnect(): void;
};

/** Resolves with Date.now() when `selector` matches (now or after a DOM change). */
export function appears(selector: string): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      if (!document.querySelector(selector)) return;
      observer.disconnect();
      resolve(Date.now());
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true });
    check();
  });
}

/** Picks `to` in a card's "Move to" menu as a keyboard user would; returns Date.now() at the change. */
export function chooseStage({ select, to }: { select: string; to: string }): number {
  const el = document.querySelector(select)!;
  const at = Date.now();
  el.value = to;
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return at;
}

/** Compressed bytes of JavaScript the page received. */
export function javascriptBytes(): number {
  return performance
    .getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.js'))
    .reduce((sum, e) => sum + (e as unknown as { encodedBodySize: number }).encodedBodySize, 0);
}
