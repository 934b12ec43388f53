import type { Redis } from './redis.js';

type Listener = (event: CustomEvent) => void;
type ListenerOrObject = Listener | { handleEvent: Listener };

/**
 * The event target `createPubSub` publishes to and subscribes on, carried by Redis so every API
 * process hears every other's events (the shape of @graphql-yoga/redis-event-target, which it
 * replaces). One Redis channel per topic and routing id (`<prefix>:PIPELINE:<organization>`), one
 * SUBSCRIBE per channel however many sockets listen.
 *
 * On a Redis Cluster it uses sharded pub/sub (Redis 7: SPUBLISH/SSUBSCRIBE): a channel lives on the
 * shard that owns its name's hash slot, so an organization's events travel through one master
 * instead of being broadcast over the cluster bus to every node, and pub/sub load spreads over the
 * masters with the organizations.
 */
export function createRedisEventTarget(publisher: Redis, subscriber: Redis): EventTarget {
  const sharded = publisher.isCluster;
  const callbacks = new Map<string, Set<Listener>>();
  subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
    const listeners = callbacks.get(channel);
    if (!listeners) return;
    const event = new CustomEvent(channel, { detail: message === '' ? null : JSON.parse(message) });
    for (const listener of listeners) listener(event);
  });
  const bound = new WeakMap<object, Listener>();
  const fn = (l: ListenerOrObject): Listener => {
    if (!('handleEvent' in l)) return l;
    let f = bound.get(l);
    if (!f) bound.set(l, (f = l.handleEvent.bind(l)));
    return f;
  };
  // Failures are the connection's (an outage): it reports them itself and resubscribes on reconnect.
  const ignore = () => undefined;
  const target = {
    addEventListener(topic: string, listener: ListenerOrObject | null) {
      if (!listener) return;
      let listeners = callbacks.get(topic);
      if (!listeners) {
        callbacks.set(topic, (listeners = new Set()));
        (sharded ? subscriber.ssubscribe(topic) : subscriber.subscribe(topic)).catch(ignore);
      }
      listeners.add(fn(listener));
    },
    removeEventListener(topic: string, listener: ListenerOrObject | null) {
      const listeners = callbacks.get(topic);
      if (!listeners || !listener) return;
      listeners.delete(fn(listener));
      if (listeners.size > 0) return;
      callbacks.delete(topic);
      (sharded ? subscriber.sunsubscribe(topic) : subscriber.unsubscribe(topic)).catch(ignore);
    },
    dispatchEvent(event: Event) {
      const { detail } = event as CustomEvent;
      const message = detail === undefined ? '' : JSON.stringify(detail);
      (sharded ? publisher.spublish(event.type, message) : publisher.publish(event.type, message)).catch(ignore);
      return true;
    },
  };
  return target as EventTarget;
}
