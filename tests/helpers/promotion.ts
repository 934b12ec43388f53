import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

/**
 * How many bytes each call of `send` leaves in V8's old generation when the collector is driven by
 * hand: 50 calls to warm up (caches, compiled plans, prepared statements), a full collection, then
 * `count` calls one after another with a young-generation collection every 25, and two more at the
 * end. Objects a finished call no longer needs die in those young collections; what a holder keeps
 * through them is promoted and shows here (docs/architecture.md, "The holders, found").
 */
export async function promotedPerCall(count: number, send: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await send();
  gc({ type: 'major' });
  const before = oldSpace();
  for (let i = 1; i <= count; i++) {
    await send();
    if (i % 25 === 0) gc({ type: 'minor' });
  }
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  return (oldSpace() - before) / count;
}
