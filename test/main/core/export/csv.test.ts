import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../../src/main/core/export/csv.js';

describe('csv', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('defuses text that a spreadsheet would run as a formula, but leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(-1.5)).toBe('-1.5');
  });

  it('writes empty cells for null and non-finite numbers, and CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [[null, Number.NaN], [1, true]])).toBe('a,b\r\n,\r\n1,true\r\n');
  });
});
