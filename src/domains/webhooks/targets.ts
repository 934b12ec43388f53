import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '../../platform/errors/index.js';

/**
 * Where webhooks may go. Private, loopback, link-local (cloud metadata at 169.254.169.254 included),
 * carrier-grade NAT, multicast and reserved addresses are refused after DNS resolution — at creation
 * and again when each request connects (a name may resolve elsewhere later) — unless
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=true. Redirects are never followed (see sender.ts).
 */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(ip);
  if (!family) return true;
  return BLOCKED.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export class RefusedTargetError extends Error {}

/** A dns.lookup that refuses private answers; used by the delivery agents for every new connection. */
export function guardedLookup(allowPrivate: () => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused && !allowPrivate())
        return callback(
          new RefusedTargetError(`${hostname} resolves to a private address (${refused.address})`),
          '',
          0,
        );
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Checks an endpoint URL when it is saved: https (http only to private targets while they are
 * allowed), no credentials, and every address its host resolves to public unless allowed.
 */
export async function checkTargetUrl(raw: string, allowPrivate: boolean, field = 'input.url'): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError('The URL is not valid', field);
  }
  if (raw.length > 2_000) throw new ValidationError('The URL is longer than 2,000 characters', field);
  if (url.username || url.password) throw new ValidationError('The URL must not carry credentials', field);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ValidationError('The URL must be https', field);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolveAll(host, field);
  const isPrivate = addresses.some(isPrivateAddress);
  if (isPrivate && !allowPrivate)
    throw new ValidationError(
      `The URL points to a private, loopback or link-local address (${addresses.find(isPrivateAddress)}); ` +
        'webhooks go to public addresses only',
      field,
    );
  if (url.protocol === 'http:' && !(allowPrivate && isPrivate))
    throw new ValidationError('The URL must be https (http only to local targets in development)', field);
  return url.toString();
}

function resolveAll(host: string, field: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) =>
      err ? reject(new ValidationError(`${host} does not resolve`, field)) : resolve(addresses.map((a) => a.address)),
    ),
  );
}
