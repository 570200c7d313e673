/** The one optimistic-concurrency helper: how many rounds, what ends them, and what a lost race becomes. */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../shared/domain/errors.ts';
import { retryOnConflict, unlessRaced, WRITE_ATTEMPTS } from '../../../shared/domain/optimistic-writes.ts';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';

/** A record at version `version` that `losses` other writers change before each of our writes lands. */
function contested(losses: number) {
  const log: string[] = [];
  let version = 1;
  let lost = 0;
  return {
    log,
    read: async () => {
      log.push(`read v${version}`);
      return { version };
    },
    write: async (current: { version: number }) => {
      if (lost < losses) {
        lost += 1;
        version += 1;
      }
      if (current.version !== version) {
        log.push(`lost v${current.version}`);
        throw new VersionConflictError();
      }
      version += 1;
      log.push(`wrote v${version}`);
      return version;
    },
  };
}

describe('retryOnConflict', () => {
  it('reads, writes, and on a lost race reads again and retries until a write lands', async () => {
    const record = contested(2);
    expect(await retryOnConflict(record.read, record.write)).toBe(4);
    expect(record.log).toEqual(['read v1', 'lost v1', 'read v2', 'lost v2', 'read v3', 'wrote v4']);
  });

  it(`gives up after ${WRITE_ATTEMPTS} rounds by default, with onExhausted's error`, async () => {
    const record = contested(99);
    const error = await retryOnConflict(record.read, record.write, { onExhausted: () => new ConflictError('busy') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(record.log.filter((l) => l.startsWith('read'))).toHaveLength(WRITE_ATTEMPTS);
  });

  it('rethrows the last VersionConflictError when the caller names no other error, and honours `attempts`', async () => {
    const record = contested(99);
    await expect(retryOnConflict(record.read, record.write, { attempts: 1 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(record.log).toEqual(['read v1', 'lost v1']);
  });

  it('starts from `current` when the caller has read already, and reads only for later rounds', async () => {
    const record = contested(1);
    expect(await retryOnConflict(record.read, record.write, { current: { version: 1 } })).toBe(3);
    expect(record.log).toEqual(['lost v1', 'read v2', 'wrote v3']);
  });

  it('stops at once on any other error, from the read or the write', async () => {
    let reads = 0;
    const gone = async () => {
      reads += 1;
      throw new NotFoundError();
    };
    await expect(retryOnConflict(gone, async () => 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(reads).toBe(1);
    let writes = 0;
    const failing = async () => {
      writes += 1;
      throw new Error('storage down');
    };
    await expect(retryOnConflict(async () => 1, failing)).rejects.toThrow('storage down');
    expect(writes).toBe(1);
  });
});

describe('unlessRaced', () => {
  it('is the write’s result, or null when another writer changed or created the record first', async () => {
    expect(await unlessRaced(async () => 'claimed')).toBe('claimed');
    expect(await unlessRaced(async () => Promise.reject(new VersionConflictError()))).toBeNull();
    expect(await unlessRaced(async () => Promise.reject(new AlreadyExistsError()))).toBeNull();
    await expect(unlessRaced(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });
});
