/** Which webhook wants which event. */
import { describe, expect, it } from 'vitest';
import { wantsEvent, WEBHOOK_EVENT_TYPES } from '../../../../shared/domain/webhooks/event-types.ts';

describe('wantsEvent', () => {
  const webhook = (events: string[], active = true) => ({ events, active });

  it('"*" matches every contract event type', () => {
    for (const type of WEBHOOK_EVENT_TYPES) expect(wantsEvent(webhook(['*']), type)).toBe(true);
  });

  it('an explicit list matches exactly its types', () => {
    const w = webhook(['file.created', 'file-request.files.updated']);
    expect(wantsEvent(w, 'file.created')).toBe(true);
    expect(wantsEvent(w, 'file-request.files.updated')).toBe(true);
    expect(wantsEvent(w, 'file.updated')).toBe(false);
    expect(wantsEvent(w, 'file-request.updated')).toBe(false);
    expect(wantsEvent(w, 'file')).toBe(false);
  });

  it('matches nothing when inactive, and never a type outside the contract, even with "*"', () => {
    expect(wantsEvent(webhook(['*'], false), 'file.created')).toBe(false);
    expect(wantsEvent(webhook(['*']), 'file.exploded')).toBe(false);
    expect(wantsEvent(webhook(['*']), '*')).toBe(false);
  });
});
