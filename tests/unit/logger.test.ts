import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, FLUSH_MS } from '../../src/platform/observability/logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes a batch FLUSH_MS after its first line, with a timer only while lines wait', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reos-log-')), 'out.log');
    writeFileSync(file, '');
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    const intervals = vi.spyOn(globalThis, 'setInterval');
    const flushTimers = () => timeouts.mock.calls.filter(([, ms]) => ms === FLUSH_MS).length;
    const log = createLogger('info', {}, file);
    // Nothing waits: no timer, and never a periodic one (an idle process is not woken for the log).
    expect(flushTimers()).toBe(0);

    log.info({ n: 1 }, 'first');
    log.info({ n: 2 }, 'second');
    expect(readFileSync(file, 'utf8')).toBe(''); // buffered, not one write per line
    expect(flushTimers()).toBe(1); // one timer for the batch

    await sleep(FLUSH_MS + 150);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; n: number });
    expect(lines.map((l) => [l.msg, l.n])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);

    // The next line, after the flush, starts the next batch's timer.
    log.warn('third');
    expect(flushTimers()).toBe(2);
    await sleep(FLUSH_MS + 150);
    expect(readFileSync(file, 'utf8')).toContain('"msg":"third"');
    expect(intervals).not.toHaveBeenCalled();
  });
});
