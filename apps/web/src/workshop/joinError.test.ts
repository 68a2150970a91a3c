import { describe, expect, it } from 'vitest';
import { joinErrorText } from './joinError';

describe('joinErrorText', () => {
  it('an unknown or ended workshop, whether refused as not found or as no credential', () => {
    for (const status of [404, 401])
      expect(joinErrorText(status, 'x')).toBe('This workshop does not exist or has ended: ask your instructor for the link again.');
  });
  it("a bad name says the server's reason", () => {
    expect(joinErrorText(400, 'name: at most 40 characters')).toBe('That name cannot be used: name: at most 40 characters');
  });
  it('no answer at all', () => {
    expect(joinErrorText(undefined, 'Failed to fetch')).toBe('The nslab server cannot be reached: Failed to fetch');
  });
  it("anything else is the server's own words", () => {
    expect(joinErrorText(429, 'too many joins, wait a minute')).toBe('too many joins, wait a minute');
  });
});
