/** The webhook request bodies: URLs, event lists, and every offending field at once. */
import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../../../shared/domain/errors.ts';
import { zodIssues } from '../../../../shared/domain/validation.ts';
import { CreateWebhookBody, PatchWebhookBody } from '../../../../shared/domain/webhooks/bodies.ts';
import { WEBHOOK_EVENT_TYPES } from '../../../../shared/domain/webhooks/event-types.ts';

function parseIssues(schema: typeof CreateWebhookBody | typeof PatchWebhookBody, input: unknown): FieldIssue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : zodIssues(result.error);
}

describe('CreateWebhookBody', () => {
  it('takes a URL, event types and an optional description', () => {
    expect(parseIssues(CreateWebhookBody, { url: 'https://hooks.example.com/medfiles', events: ['file.created', 'file-request.files.updated'] })).toEqual([]);
    expect(parseIssues(CreateWebhookBody, { url: 'http://hooks.example.com:8080/x?y=1', events: ['*'], description: 'EHR sync' })).toEqual([]);
    for (const type of WEBHOOK_EVENT_TYPES) expect(parseIssues(CreateWebhookBody, { url: 'https://a.example/', events: [type] })).toEqual([]);
  });

  it.each([
    ['a relative URL', '/hooks'],
    ['no scheme', 'hooks.example.com/x'],
    ['ftp', 'ftp://hooks.example.com/x'],
    ['javascript', 'javascript:alert(1)'],
    ['a scheme without slashes', 'http:hooks.example.com'],
    ['credentials', 'https://user:pass@hooks.example.com/'],
    ['a user name alone', 'https://user@hooks.example.com/'],
    ['a newline the parser would drop', 'https://hooks.exa\nmple.com/'],
    ['surrounding spaces', ' https://hooks.example.com/'],
    ['over 2048 characters', `https://hooks.example.com/${'a'.repeat(2030)}`],
    ['not a string', 42],
  ])('refuses %s as url', (_what, url) => {
    const issues = parseIssues(CreateWebhookBody, { url, events: ['*'] });
    expect(issues.map((i) => i.path)).toEqual(['url']);
  });

  it('accepts exactly 2048 characters', () => {
    const url = `https://hooks.example.com/${'a'.repeat(2048 - 'https://hooks.example.com/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(parseIssues(CreateWebhookBody, { url, events: ['*'] })).toEqual([]);
  });

  it('refuses unknown event types, each at its index', () => {
    const issues = parseIssues(CreateWebhookBody, { url: 'https://a.example/', events: ['file.created', 'file.exploded', 'FILE.CREATED'] });
    expect(issues.map((i) => i.path)).toEqual(['events.1', 'events.2']);
    expect(issues[0]!.message).toContain('unknown event type');
  });

  it.each([
    ['empty', []],
    ['"*" with others', ['*', 'file.created']],
    ['repeated types', ['file.created', 'file.created']],
    ['not a list', 'file.created'],
    ['"*" twice', ['*', '*']],
  ])('refuses events that are %s', (_what, events) => {
    expect(parseIssues(CreateWebhookBody, { url: 'https://a.example/', events }).map((i) => i.path)).toEqual(['events']);
  });

  it('lists every offending field at once, and unknown fields', () => {
    const issues = parseIssues(CreateWebhookBody, { url: 'ftp://x', events: [], description: 7, secret: 'mine' });
    expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'description', 'events', 'url']);
  });

  it('requires url and events; PATCH requires neither', () => {
    expect(parseIssues(CreateWebhookBody, {}).map((i) => i.path).sort()).toEqual(['events', 'url']);
    expect(parseIssues(PatchWebhookBody, {})).toEqual([]);
    expect(parseIssues(PatchWebhookBody, { active: 'no', events: ['nope'] }).map((i) => i.path).sort()).toEqual(['active', 'events.0']);
  });
});
