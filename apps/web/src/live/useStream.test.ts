import { describe, expect, it } from 'vitest';
import { idle, MAX_LINES, onStreamMessage, type StreamState } from './useStream';

const running: StreamState = { ...idle, running: true };

describe('a stream as the page shows it', () => {
  it('collects lines, the capture id and the dropped count; exit stops it', () => {
    let s = onStreamMessage(running, { type: 'start', argv: ['tcpdump'], capture: 'abc' });
    s = onStreamMessage(s, { type: 'line', stream: 'out', text: 'one' });
    s = onStreamMessage(s, { type: 'line', stream: 'err', text: 'two' });
    s = onStreamMessage(s, { type: 'dropped', count: 5 });
    expect(s).toMatchObject({ lines: ['one', 'two'], capture: 'abc', dropped: 5, running: true });
    expect(onStreamMessage(s, { type: 'exit', code: 0, signal: null, dropped: 5 }).running).toBe(false);
  });

  it('a refusal stops it and says why', () => {
    expect(onStreamMessage(running, { type: 'error', message: 'target: "-f" is not an IP address' })).toMatchObject({
      running: false,
      error: 'target: "-f" is not an IP address',
    });
  });

  it('keeps the last lines only', () => {
    let s = running;
    for (let i = 0; i < MAX_LINES + 10; i++) s = onStreamMessage(s, { type: 'line', stream: 'out', text: String(i) });
    expect(s.lines).toHaveLength(MAX_LINES);
    expect(s.lines.at(-1)).toBe(String(MAX_LINES + 9));
  });
});
