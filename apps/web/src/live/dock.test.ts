import { describe, expect, it } from 'vitest';
import { tabTitle } from './dock';

describe('tabTitle', () => {
  it('a terminal of the lab keeps its names', () => {
    expect(tabTitle({ id: 't1', kind: 'terminal', lab: 'l', node: 'red' })).toEqual({ title: '$ red', close: 'Close terminal red' });
  });
  it('a capture keeps its names', () => {
    expect(tabTitle({ id: 'c1', kind: 'capture', lab: 'l', node: 'red', iface: 'eth0', filter: '' })).toEqual({
      title: '⏺ red:eth0',
      close: 'Close capture red',
    });
  });
  it("a participant's terminal says whose it is and how it is open", () => {
    expect(tabTitle({ id: 't2', kind: 'terminal', lab: 'l', node: 'red', participant: { id: 'p1', name: 'Ada', mode: 'watch' } })).toEqual({
      title: 'watch Ada:red',
      close: 'Close watch Ada red',
    });
  });
});
