/**
 * Writes the audit trail for the file use cases: one record per action on a file, before the request is answered.
 * A record that cannot be written makes the request fail with 503 `unavailable` (UnavailableError); a use case that
 * has already changed something undoes it first (see `recordOrUndo`).
 */
import { v7 as uuidv7 } from 'uuid';
import { UnavailableError, type AppError } from '../errors.ts';
import type { Caller } from '../file.ts';
import type { ErrorReporter } from '../publishing.ts';
import type { AuditTrail } from './ports.ts';
import type { AuditAction, AuditOutcome, AuditRecord } from './records.ts';

export interface AuditEntry {
  fileId: string;
  action: AuditAction;
  /** Default `success`. */
  outcome?: AuditOutcome;
  listed?: boolean;
}

export interface AuditorDeps {
  trail: AuditTrail;
  now?: () => Date;
  newId?: () => string;
  /** Told when a record could not be written or an undo failed. Default: nowhere. */
  reportError?: ErrorReporter;
}

export class Auditor {
  readonly #d: AuditorDeps;

  constructor(deps: AuditorDeps) {
    this.#d = deps;
  }

  /** Records `entries` for `caller`; throws UnavailableError (503) when they could not all be written. */
  async record(caller: Caller, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = (this.#d.now?.() ?? new Date()).toISOString();
    const newId = this.#d.newId ?? uuidv7;
    const origin = caller.origin;
    const records = entries.map(
      (entry): AuditRecord => ({
        id: newId(),
        at,
        tenantId: caller.tenantId,
        actor: { id: caller.sub, role: caller.role },
        action: entry.action,
        fileId: entry.fileId,
        outcome: entry.outcome ?? 'success',
        via: caller.via,
        requestId: origin?.requestId ?? 'unknown',
        sourceIp: origin?.sourceIp ?? null,
        userAgent: origin?.userAgent ?? null,
        ...(entry.listed ? { listed: true as const } : {}),
      }),
    );
    try {
      await this.#d.trail.append(records);
    } catch (error) {
      this.#d.reportError?.('audit record not written', error, { records: records.length });
      throw new UnavailableError();
    }
  }

  /**
   * Records a denied attempt on an existing file (one record per action tried), then throws `refusal` (the 404 or
   * 403 the caller gets).
   * If the record cannot be written, the request is 503 instead.
   */
  async deny(caller: Caller, fileId: string, actions: readonly AuditAction[], refusal: AppError): Promise<never> {
    await this.record(caller, actions.map((action) => ({ fileId, action, outcome: 'denied' as const })));
    throw refusal;
  }

  /**
   * Runs `work` (reading what a granted read serves) while its records are written: the result is returned only
   * once the records stand, and a record that cannot be written fails the request (503) whatever `work` did.
   * Work that would leave something behind (a thumbnail made and cached) awaits `recorded` first.
   */
  async during<T>(caller: Caller, entries: readonly AuditEntry[], work: (recorded: Promise<void>) => Promise<T>): Promise<T> {
    const recorded = this.record(caller, entries);
    const [, result] = await Promise.all([recorded, work(recorded)]);
    return result;
  }

  /**
   * Records a change that has been made; if the record cannot be written, runs `undo` (so the change does not
   * stand unrecorded) and throws UnavailableError. An undo that fails is reported, and the 503 still stands.
   */
  async recordOrUndo(caller: Caller, entries: readonly AuditEntry[], undo: () => Promise<unknown>): Promise<void> {
    try {
      await this.record(caller, entries);
    } catch (error) {
      await undo().catch((undoError: unknown) => this.#d.reportError?.('change not undone after the audit failed', undoError, {}));
      throw error;
    }
  }
}
