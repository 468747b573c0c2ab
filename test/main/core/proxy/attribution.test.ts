import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, readAttribution } from '../../../../src/main/core/proxy/attribution.js';

/** What Node's HTTP parser hands over for a header sent as UTF-8 bytes: one char per byte. */
const asNodeSees = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const NONE = { project: null, owner: null };

describe('attribution headers', () => {
  it('decodes UTF-8 bytes, percent-encoding and RFC 8187 ext-values; leaves ASCII and non-UTF-8 bytes alone', () => {
    expect(decodeHeaderValue(asNodeSees('proj-😀-café'))).toBe('proj-😀-café');
    expect(decodeHeaderValue(encodeURIComponent('proj-😀-café'))).toBe('proj-😀-café');
    expect(decodeHeaderValue(`UTF-8''${encodeURIComponent('zoë')}`)).toBe('zoë');
    expect(decodeHeaderValue('plain-name_1')).toBe('plain-name_1');
    expect(decodeHeaderValue('50%-off')).toBe('50%-off');
    // A lone latin1 byte is not UTF-8: kept as the character it is.
    expect(decodeHeaderValue('caf\u00e9')).toBe('café');
  });

  it('falls back to the key\'s own project and owner, and refuses a value over 200 characters', () => {
    expect(readAttribution({}, { project: 'kp', owner: 'ko' })).toEqual({ ok: true, project: 'kp', user: 'ko', run: null });
    expect(readAttribution({ 'x-tollgate-project': 'p', 'x-tollgate-run': 'r', 'x-tollgate-user': 'u' }, { project: 'kp', owner: 'ko' })).toEqual({ ok: true, project: 'p', user: 'u', run: 'r' });
    expect(readAttribution({ 'x-tollgate-project': 'a'.repeat(200) }, NONE)).toMatchObject({ ok: true, project: 'a'.repeat(200) });
    const long = readAttribution({ 'x-tollgate-user': 'a'.repeat(201) }, NONE);
    expect(long).toEqual({ ok: false, message: expect.stringMatching(/x-tollgate-user header is 201 characters long; Tollgate keeps at most 200/) });
    // The bound applies to the decoded value: 200 characters sent percent-encoded fit.
    expect(readAttribution({ 'x-tollgate-run': encodeURIComponent('é'.repeat(200)) }, NONE)).toMatchObject({ ok: true, run: 'é'.repeat(200) });
  });
});
