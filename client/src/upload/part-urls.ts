/**
 * The presigned URL of every part of one direct upload, renewed in batches: the URLs of one answer expire
 * together (a URL signed with a Lambda role's session credentials dies with the session), so when one is
 * refused as expired, or is about to expire before its part starts, every part still to send gets a fresh URL
 * in one `POST /v1/uploads/{fileId}/renew` rather than one call per part. The server answers at most 1,000 URLs
 * per call, so a renewal asks for the part that needs it and the next unsent parts, up to 1,000; later parts
 * get theirs when their turn comes. Parts that wait for the same renewal share it.
 */
import type { UploadTarget } from '../types.ts';
import { partTargets, type PartTarget } from './part-plan.ts';

/** A URL that expires within this margin is renewed before its part starts (a part takes a while to send). */
export const RENEW_MARGIN_MS = 60_000;
/** The most URLs the server answers per renewal. */
export const MAX_PARTS_PER_RENEWAL = 1000;

export interface PartUrlsOptions {
  /** POST /v1/uploads/{fileId}/renew for these parts. */
  renew(partNumbers: number[]): Promise<UploadTarget>;
  /** The parts storage does not hold yet, in the order they are sent. */
  unsent(): number[];
  /** The create answer's URLs, if any. */
  initial?: UploadTarget;
}

export class PartUrls {
  readonly #targets: Map<number, PartTarget>;
  readonly #options: PartUrlsOptions;
  /** The renewal under way, resolving with the parts it asked for. */
  #renewing: Promise<ReadonlySet<number>> | undefined;

  constructor(options: PartUrlsOptions) {
    this.#options = options;
    this.#targets = options.initial ? partTargets(options.initial) : new Map();
  }

  /** Where to send the part: its URL, renewed first (with the other unsent parts) when missing or about to expire. */
  async forPart(partNumber: number): Promise<PartTarget> {
    for (let asked = false; ; ) {
      const target = this.#targets.get(partNumber);
      // Once renewed, the answer is used as it is, even if it expires soon (a short server TTL, a skewed clock).
      if (target && (asked || target.expiresAt - Date.now() > RENEW_MARGIN_MS)) return target;
      if (asked) throw new TypeError(`The server renewed no URL for part ${partNumber}`);
      asked = (await this.#renewal(partNumber)).has(partNumber);
    }
  }

  /**
   * Storage refused `refused` as expired: a newer URL for the part. When a renewal has already replaced it, that
   * one; else every URL signed no later than the refused one is dropped (it expires no later) and renewed.
   */
  async afterExpired(partNumber: number, refused: PartTarget): Promise<PartTarget> {
    const current = this.#targets.get(partNumber);
    if (current !== undefined && current !== refused) return current;
    for (const [number, target] of this.#targets) if (target.expiresAt <= refused.expiresAt) this.#targets.delete(number);
    return this.forPart(partNumber);
  }

  /** The renewal under way, or a new one for `partNumber` and the next unsent parts that need a URL. */
  #renewal(partNumber: number): Promise<ReadonlySet<number>> {
    if (this.#renewing === undefined) {
      const now = Date.now();
      const needed = this.#options
        .unsent()
        .filter((n) => n !== partNumber && !((this.#targets.get(n)?.expiresAt ?? 0) - now > RENEW_MARGIN_MS));
      const asked = [partNumber, ...needed].slice(0, MAX_PARTS_PER_RENEWAL);
      this.#renewing = this.#options
        .renew(asked)
        .then((answer) => {
          for (const [number, target] of partTargets(answer)) this.#targets.set(number, target);
          return new Set(asked);
        })
        .finally(() => {
          this.#renewing = undefined;
        });
    }
    return this.#renewing;
  }
}
