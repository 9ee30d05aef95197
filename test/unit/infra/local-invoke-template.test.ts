import * as v from 'valibot';
import { FUNCTION_LOGICAL_IDS } from '../../../infra/constructs/pipeline-functions';
import { StackConfigError } from '../../../infra/stack-config';
import { FUNCTION_NAMES, type FunctionName } from '../../../shared/http/routes';
import {
  type ParsedTemplate,
  propertiesOf,
  resourceById,
  SYNTH_TIMEOUT_MS,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const EnvironmentSchema = v.object({
  Environment: v.object({ Variables: v.record(v.string(), v.unknown()) }),
});

/** What `sam local invoke --env-vars` must be able to set, per function. */
const SAM_OVERRIDABLE: Readonly<Record<FunctionName, readonly string[]>> = {
  'ingest-spyne': ['SPYNE_SIGNING_SECRET', 'SPYNE_URL_TOKEN', 'AWS_ENDPOINT_URL_SQS'],
  'ingest-sharinpix': ['SHARINPIX_SECRET', 'AWS_ENDPOINT_URL_SQS'],
  'ingest-image-intelligence': ['IMAGE_INTELLIGENCE_TOKEN', 'AWS_ENDPOINT_URL_SQS'],
  'ingest-cloudinary': ['CLOUDINARY_API_SECRET', 'AWS_ENDPOINT_URL_SQS'],
  worker: ['AWS_ENDPOINT_URL_DYNAMODB'],
  read: ['CURSOR_SIGNING_KEY', 'AWS_ENDPOINT_URL_DYNAMODB'],
  publisher: ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_EVENTBRIDGE'],
};

const variablesOf = (template: ParsedTemplate, name: FunctionName) =>
  propertiesOf(resourceById(template, FUNCTION_LOGICAL_IDS[name]), EnvironmentSchema).Environment
    .Variables;

let deployed: ParsedTemplate;
let localInvoke: ParsedTemplate;

beforeAll(() => {
  deployed = synthesizeVendorWebhooks().parsed;
  localInvoke = synthesizeVendorWebhooks({ context: { localInvoke: 'true' } }).parsed;
}, SYNTH_TIMEOUT_MS);

describe('the sam local invoke template (context localInvoke=true)', () => {
  it.each(FUNCTION_NAMES)('declares empty variables for %s that --env-vars can fill', (name) => {
    // Act
    const variables = variablesOf(localInvoke, name);

    // Assess
    for (const variable of SAM_OVERRIDABLE[name]) expect(variables[variable]).toBe('');
  });

  it.each(FUNCTION_NAMES)('keeps every deployed variable of %s unchanged', (name) => {
    // Act
    const local = variablesOf(localInvoke, name);

    // Assess
    expect(local).toEqual(expect.objectContaining(variablesOf(deployed, name)));
  });

  it.each(FUNCTION_NAMES)(
    'is the only template that declares them (%s deployed has none)',
    (name) => {
      // Act
      const variables = variablesOf(deployed, name);

      // Assess
      for (const variable of SAM_OVERRIDABLE[name]) expect(variables).not.toHaveProperty(variable);
    },
  );

  it('refuses a localInvoke value other than true or false', () => {
    // Act
    const synthesize = () => synthesizeVendorWebhooks({ context: { localInvoke: 'yes' } });

    // Assess
    expect(synthesize).toThrow(StackConfigError);
  });
});
