import pg from 'pg';

/**
 * LISTENs on a Postgres channel and hands each payload to `onPayload`. A dropped connection is
 * reopened after a second; what it missed meanwhile is the caller's sweep's to find.
 */
export function listenForNotifications(
  databaseUrl: string,
  channel: string,
  onPayload: (payload: string) => void,
): { stop(): Promise<void> } {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => {
      if (n.payload) onPayload(n.payload);
    });
    c.on('error', () => reconnect());
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      client = c;
    } catch {
      await c.end().catch(() => undefined);
      reconnect();
    }
  };
  const reconnect = () => {
    client?.end().catch(() => undefined);
    client = null;
    if (!stopped && !retry) retry = setTimeout(() => ((retry = null), void connect()), 1_000);
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
