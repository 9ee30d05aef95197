import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../../../scripts/lib/openapi-document';
import { HTTP_ROUTES } from '../../../shared/http/routes';

const CHECKED_IN = join(__dirname, '..', '..', '..', 'docs', 'openapi.json');

describe('docs/openapi.json', () => {
  it('is what the route table and the valibot schemas generate (run `npm run openapi` after changing them)', () => {
    // Act
    const checkedIn: unknown = JSON.parse(readFileSync(CHECKED_IN, 'utf8'));

    // Assess
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('has one operation per route, IAM-signed exactly where the route is', () => {
    // Act
    const { paths } = openApiDocument();

    // Assess
    const operations = HTTP_ROUTES.map((route) => {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      return {
        route: `${route.method} ${route.path}`,
        iam: JSON.stringify(operation).includes('"iam"'),
      };
    });
    expect(operations).toEqual(
      HTTP_ROUTES.map((route) => ({ route: `${route.method} ${route.path}`, iam: route.iamAuth })),
    );
  });

  it('describes the record the read API answers with from the record schema', () => {
    // Act
    const { components } = openApiDocument();

    // Assess
    expect(components.schemas.ImageRecord).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['vendor', 'imageId', 'status', 'urls']),
    });
  });
});
