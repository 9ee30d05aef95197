import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { HTTP_ROUTES, type HttpRoute } from '../../shared/http/routes';
import { MAX_PAGE_LIMIT } from '../../shared/read/page-limit';
import { ImageRecordSchema } from '../../shared/record/image-record';
import { VENDORS } from '../../shared/vendors/vendor';

/** What every refusal carries: a code, a sentence, and the path of each problem. */
const ErrorBodySchema = v.object({
  error: v.string(),
  message: v.optional(v.string()),
  issues: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
});

/** The answer to a delivery that was durably queued (`accepted`) or kept but not applied. */
const WebhookAnswerSchema = v.object({
  status: v.picklist(['accepted', 'ignored']),
  eventId: v.string(),
});

/** One page of a collection; `next` is present while more records follow. */
const PageSchema = v.object({
  items: v.array(ImageRecordSchema),
  next: v.optional(v.string()),
});

const schemaOf = (schema: v.GenericSchema) => toJsonSchema(schema, { errorMode: 'throw' });

const json = (description: string, schema: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

const webhookOperation = (route: HttpRoute) => {
  const vendor = route.path.slice('/webhooks/'.length);
  return {
    operationId: `deliver-${vendor}`,
    summary: `Receives a ${vendor} webhook`,
    description:
      'Authenticated with the credentials the vendor sends (see docs/deploy.md), validated against ' +
      `the ${vendor} schema, then queued. 2xx only once the event is durably queued.`,
    tags: ['webhooks'],
    security: [],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { type: 'object' } } },
    },
    responses: {
      '200': json('Queued (accepted) or kept without effect (ignored)', 'WebhookAnswer'),
      '400': json('Malformed or invalid body; issues name each path', 'ErrorBody'),
      '401': json('Credentials missing or wrong', 'ErrorBody'),
      '413': json('Body above the size limit', 'ErrorBody'),
      '415': json('Unsupported content type', 'ErrorBody'),
      '503': json('Could not be queued now; retry after Retry-After seconds', 'ErrorBody'),
    },
  };
};

const VENDOR_PARAMETER = {
  name: 'vendor',
  required: true,
  schema: { type: 'string', enum: [...VENDORS] },
};

const readOperation = (route: HttpRoute) =>
  route.path === '/images'
    ? {
        operationId: 'list-collection',
        summary: 'Lists one collection’s records, by sequence then imageId',
        tags: ['read'],
        parameters: [
          { ...VENDOR_PARAMETER, in: 'query' },
          {
            name: 'collection',
            in: 'query',
            required: true,
            description: 'The collection id alone, e.g. 523a07fa (not sku:523a07fa, a 400)',
            schema: { type: 'string', minLength: 1 },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT },
          },
          { name: 'next', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': json('One page of records', 'Page'),
          '400': json('A parameter is invalid; issues name it', 'ErrorBody'),
        },
      }
    : {
        operationId: 'get-image',
        summary: 'Reads one image record',
        tags: ['read'],
        parameters: [
          { ...VENDOR_PARAMETER, in: 'path' },
          { name: 'imageId', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
        ],
        responses: {
          '200': json('The record', 'ImageRecord'),
          '400': json('A parameter is invalid; issues name it', 'ErrorBody'),
          '404': json(
            'No record for this vendor and id, or none served yet (only an image prediction names the image)',
            'ErrorBody',
          ),
        },
      };

/**
 * The OpenAPI 3.1 document of the public HTTP API, built from the route table the CDK stack and
 * the local gateway both use, with component schemas generated from the valibot schemas the code
 * validates with. Checked in as `docs/openapi.json` (`npm run openapi`); a test fails when the
 * two drift apart.
 */
export const openApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of HTTP_ROUTES) {
    const operation = route.path.startsWith('/webhooks/')
      ? webhookOperation(route)
      : {
          ...readOperation(route),
          ...(route.iamAuth ? { security: [{ iam: [] }] } : {}),
        };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vendor webhook ingestion',
      version: '0.1.0',
      description: 'Webhooks of image-processing vendors in; one normalized record per image out.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    tags: [
      { name: 'webhooks', description: 'One route per vendor' },
      { name: 'read', description: 'IAM-signed (SigV4) in AWS; open on the local stack' },
    ],
    paths,
    components: {
      securitySchemes: {
        iam: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature Version 4 (IAM authorization of the HTTP API)',
        },
      },
      schemas: {
        ImageRecord: schemaOf(ImageRecordSchema),
        Page: schemaOf(PageSchema),
        WebhookAnswer: schemaOf(WebhookAnswerSchema),
        ErrorBody: schemaOf(ErrorBodySchema),
      },
    },
  };
};

/** The checked-in text of `docs/openapi.json`. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
