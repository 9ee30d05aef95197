import { bodyFormatOf } from '../../../shared/ingest/ingest-request';

describe('bodyFormatOf', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['   ', 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/json;charset=ISO-8859-1', 'json'],
    ['APPLICATION/JSON', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/merge-patch+json; charset=utf-8', 'json'],
    ['application/x-www-form-urlencoded', 'form'],
    ['application/x-www-form-urlencoded; charset=UTF-8', 'form'],
    ['text/plain', undefined],
    ['text/json', undefined],
    ['application/jsonp', undefined],
    ['application/json-patch', undefined],
    ['multipart/form-data; boundary=----x', undefined],
    ['application/xml', undefined],
    ['+json', undefined],
  ])('reads %p as %p', (header, expected) => {
    // Prepare
    const contentType = header;

    // Act
    const format = bodyFormatOf(contentType);

    // Assess
    expect(format).toBe(expected);
  });
});
