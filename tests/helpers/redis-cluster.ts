import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { freePort } from './redis-server.js';

export interface OwnRedisCluster {
  /** The masters' URLs, comma-separated (what REDIS_URL takes with REDIS_CLUSTER=true). */
  url: string;
  ports: number[];
  /** A plain connection to one master, for looking at what it holds. */
  node(port: number): Redis;
}

async function startNode(dir: string, port: number, busPort: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      ...['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
      ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
      ...['--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

/**
 * A Redis Cluster of the test's own: three masters (Debian's redis-server, cluster mode) on free
 * loopback ports, their 16,384 slots split by `redis-cli --cluster create`, resolved once every
 * node reports `cluster_state:ok`. Stopped and removed after the file's tests.
 */
export async function startOwnRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'reos-redis-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const plain: Redis[] = [];
  afterAll(() => {
    for (const r of plain) r.disconnect();
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < masters; i++) {
    const port = await freePort();
    children.push(await startNode(dir, port, await freePort()));
    ports.push(port);
  }
  execFileSync(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node = (port: number) => {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: false });
    plain.push(r);
    return r;
  };
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    const r = node(port);
    while (!(await r.cluster('INFO')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${port} did not reach cluster_state:ok`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  return { url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), ports, node };
}
