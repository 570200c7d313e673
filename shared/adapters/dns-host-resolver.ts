/** The HostResolver port on DNS: what webhook registration checks a target's host against. */
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import type { HostResolver } from '../domain/webhooks/ports.ts';

const REGISTRATION_LOOKUP_TIMEOUT_MS = 5000;

/** DNS for registration checks: every address of the host (A and AAAA), within a few seconds. */
export const dnsHostResolver: HostResolver = {
  async resolve(hostname: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('lookup timed out')), REGISTRATION_LOOKUP_TIMEOUT_MS);
    });
    try {
      const addresses = await Promise.race([dnsLookupAsync(hostname, { all: true, verbatim: true }), timeout]);
      return addresses.map((a) => a.address);
    } finally {
      clearTimeout(timer);
    }
  },
};
