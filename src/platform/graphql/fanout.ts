import type { ExecutionResult, GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import type { Logger } from '../observability/logger.js';

/** Close code of a socket whose send buffer passed WS_MAX_BUFFERED_BYTES; clients reconnect and resubscribe. */
export const SLOW_CONSUMER_CLOSE = 4413;

/** One subscription of one socket: graphql-ws' operation id and the socket the events are written to. */
export interface Member {
  id: string;
  socket: WebSocket;
}

type Outcome = ExecutionResult | AsyncIterable<ExecutionResult>;

export interface FanoutOptions {
  /** A socket whose unsent bytes pass this is closed with SLOW_CONSUMER_CLOSE instead of buffering on. */
  maxBufferedBytes: number;
  /** Turns an execution's errors into what clients may see (masked, coded). */
  formatErrors: (errors: readonly GraphQLError[]) => unknown[];
  log: Logger;
  onSlowConsumer?: () => void;
}

/**
 * Subscription fan-out that costs per event, not per socket. Sockets whose subscriptions share a
 * key (organization, what they may see, operation document, variables) share one source stream:
 * each event is resolved once, serialized once, and the same payload bytes are written to every
 * member socket. The pump never waits for a socket: a member whose send buffer passes the limit is
 * closed, so a slow reader delays no one. Events reach each member once and in source order.
 */
export class FanoutHub {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly options: FanoutOptions) {}

  /** Groups with at least one member (one source stream each). */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Adds `member` to the stream of `key`, starting it with `start` when the member is its first.
   * Resolves with what graphql-ws should hold for the member: an iterable that yields nothing
   * (events are written to the socket directly) and ends with the stream or when graphql-ws
   * returns it; or the execution result when subscribing failed (the same for every member of
   * the key, since they would have run the same operation).
   */
  async join(key: string, member: Member, start: () => Promise<Outcome>): Promise<Outcome> {
    for (;;) {
      let group = this.groups.get(key);
      if (!group) {
        const created = new Group(key, this.options, () => {
          if (this.groups.get(key) === created) this.groups.delete(key);
        });
        this.groups.set(key, created);
        created.start(start);
        group = created;
      }
      const started = await group.started;
      if (!isAsyncIterable(started)) return started;
      // null: the group's last member left while this one waited for it to start; start a new one.
      const stream = group.add(member);
      if (stream) return stream;
    }
  }
}

class Group {
  private readonly members = new Set<MemberStream>();
  private source: AsyncIterator<ExecutionResult> | null = null;
  started!: Promise<Outcome>;
  private ended = false;
  /** Ended because its last member left (not because the source ended). */
  private abandoned = false;

  constructor(
    readonly key: string,
    private readonly options: FanoutOptions,
    private readonly forget: () => void,
  ) {}

  start(start: () => Promise<Outcome>): void {
    this.started = start().then(
      (outcome) => {
        if (!isAsyncIterable(outcome)) {
          this.end();
          return outcome;
        }
        this.source = outcome[Symbol.asyncIterator]();
        void this.pump();
        return outcome;
      },
      (err: unknown) => {
        this.end();
        throw err;
      },
    );
  }

  add(member: Member): AsyncIterable<ExecutionResult> | null {
    const stream = new MemberStream(member, this.options, () => this.remove(stream));
    if (this.abandoned) return null;
    if (this.ended) stream.finish();
    else this.members.add(stream);
    return stream;
  }

  private remove(stream: MemberStream): void {
    this.members.delete(stream);
    if (this.members.size === 0 && !this.ended) {
      this.abandoned = true;
      this.end();
      void this.source?.return?.();
    }
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const next = await this.source!.next();
        if (next.done || this.ended) break;
        const payload = this.serialize(next.value);
        for (const member of this.members) member.deliver(payload);
      }
    } catch (err) {
      this.options.log.error({ err }, 'subscription source failed');
    }
    this.end();
    for (const member of this.members) member.finish();
  }

  private serialize(result: ExecutionResult): string {
    if (!result.errors?.length) return JSON.stringify({ data: result.data });
    return JSON.stringify({ data: result.data, errors: this.options.formatErrors(result.errors) });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.forget();
  }
}

/** What graphql-ws iterates for one member: never yields, ends when the group ends or on return(). */
class MemberStream implements AsyncIterable<ExecutionResult>, AsyncIterator<ExecutionResult> {
  private done = false;
  private wake: ((r: IteratorResult<ExecutionResult>) => void) | null = null;
  private readonly prefix: string;

  constructor(
    private readonly member: Member,
    private readonly options: FanoutOptions,
    private readonly leave: () => void,
  ) {
    this.prefix = `{"id":${JSON.stringify(member.id)},"type":"next","payload":`;
  }

  [Symbol.asyncIterator](): AsyncIterator<ExecutionResult> {
    return this;
  }

  deliver(payload: string): void {
    const { socket } = this.member;
    if (this.done || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.onSlowConsumer?.();
      void this.return();
      socket.close(SLOW_CONSUMER_CLOSE, 'Slow consumer: reconnect and resubscribe');
      return;
    }
    socket.send(this.prefix + payload + '}');
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** The stream ended (server side): graphql-ws then tells the client `complete`. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.wake?.({ done: true, value: undefined });
  }

  /** graphql-ws returns the iterable when the client completes the operation or the socket closes. */
  return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.done) {
      this.finish();
      this.leave();
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

export function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof (value as AsyncIterable<T> | null)?.[Symbol.asyncIterator] === 'function';
}
