import type { CredentialSource } from '../../../shared/auth/auth-result';
import {
  authenticateHeaderSecret,
  authenticateQueryToken,
} from '../../../shared/auth/authenticators';

const requestWith = (headers: Record<string, string>, rawQuery: string): CredentialSource => {
  const query = new URLSearchParams(rawQuery);
  return {
    header: (name) => headers[name.toLowerCase()],
    queryValues: (name) => query.getAll(name),
  };
};

describe('authenticateQueryToken', () => {
  it.each([
    ['the token', 'token=tok-1', true],
    ['the rotated token', 'token=tok-2&jobId=7', true],
    ['no token', 'jobId=7', false],
    ['an empty token', 'token=', false],
    ['a wrong token', 'token=tok-3', false],
    ['a right token followed by a wrong one', 'token=tok-1&token=tok-3', false],
    ['a wrong token followed by a right one', 'token=tok-3&token=tok-1', false],
    ['the right token twice', 'token=tok-1&token=tok-1', true],
    ['a differently-cased parameter name', 'TOKEN=tok-1', false],
  ])('with %s answers ok=%p', (_label, rawQuery, expected) => {
    // Prepare
    const request = requestWith({}, rawQuery);

    // Act
    const result = authenticateQueryToken(request, 'tok-1,tok-2');

    // Assess
    expect(result.ok).toBe(expected);
  });

  it('refuses everything when the secret is unset', () => {
    // Prepare
    const request = requestWith({}, 'token=anything');

    // Act
    const result = authenticateQueryToken(request, undefined);

    // Assess
    expect(result).toEqual({ ok: false, failure: 'credential_mismatch' });
  });
});

describe('authenticateHeaderSecret', () => {
  it.each([
    ['the secret', { 'x-sharinpix-secret': 'shp-1' }, true],
    ['the rotated secret', { 'x-sharinpix-secret': 'shp-2' }, true],
    ['no header', {}, false],
    ['an empty header', { 'x-sharinpix-secret': '' }, false],
    ['a wrong secret', { 'x-sharinpix-secret': 'shp-3' }, false],
    ['the header sent twice (comma-joined)', { 'x-sharinpix-secret': 'shp-1,shp-2' }, false],
  ])('with %s answers ok=%p', (_label, headers, expected) => {
    // Prepare
    const request = requestWith(headers, '');

    // Act
    const result = authenticateHeaderSecret(request, 'X-Sharinpix-Secret', 'shp-1,shp-2');

    // Assess
    expect(result.ok).toBe(expected);
  });
});
