import ipaddr from 'ipaddr.js';
import { LookupFunction, isIP } from 'node:net';
import dns from 'node:dns';

/** Only plain public unicast addresses: no loopback, private, link-local, CGNAT, multicast, reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * Why a resolved target is refused, or undefined when it may be called. The allowlist names
 * hosts as written in the URL (a name or an IP literal), never what a name resolves to: a
 * public name pointed at 127.0.0.1 stays refused.
 */
export function refusal(host: string, address: string, allowlist: readonly string[]): string | undefined {
  if (isPublicAddress(address) || allowlist.includes(host.toLowerCase())) return undefined;
  return `${host} resolves to ${address}, a loopback, private or link-local address`;
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * SSRF check of a webhook URL at registration: http(s) only, no credentials, and every address
 * its host resolves to (now) public, unless the host is on the allowlist.
 */
export async function checkWebhookUrl(raw: string, allowlist: readonly string[]): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry credentials';
  const host = hostOf(url);
  if (isIP(host)) return refusal(host, host, allowlist);
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch {
    return `${host} does not resolve`;
  }
  for (const a of addresses) {
    const why = refusal(host, a.address, allowlist);
    if (why) return why;
  }
  return undefined;
}

/**
 * A DNS lookup for the HTTP client that refuses non-public answers at connect time, so a name
 * that turns private after registration (DNS rebinding) is refused too.
 */
export function guardedLookup(allowlist: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const why = refusal(hostname, a.address, allowlist);
        if (why) return callback(Object.assign(new Error(`refused: ${why}`), { code: 'WEBHOOK_SSRF' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
