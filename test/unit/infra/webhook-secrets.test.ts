import * as v from 'valibot';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { DEV_CURSOR_SIGNING_KEY } from '../../../shared/read/cursor-signing-key';
import {
  propertiesOf,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const SecretSchema = v.object({
  SecretString: v.optional(v.unknown()),
  GenerateSecretString: v.optional(
    v.object({
      GenerateStringKey: v.string(),
      SecretStringTemplate: v.string(),
      PasswordLength: v.number(),
      ExcludePunctuation: v.boolean(),
      IncludeSpace: v.boolean(),
    }),
  ),
});

let synthesized: SynthesizedStack;
const secrets = () =>
  new Map(
    resourcesOfType(synthesized.parsed, 'AWS::SecretsManager::Secret').map(
      ([id, resource]) => [id, propertiesOf(resource, SecretSchema)] as const,
    ),
  );
const secret = (id: string) => {
  const found = secrets().get(id);
  if (found === undefined) throw new Error(`no secret ${id}`);
  return found;
};
const generatorOf = (id: string) => {
  const generator = secret(id).GenerateSecretString;
  if (generator === undefined) throw new Error(`secret ${id} generates nothing`);
  return generator;
};

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('secrets', () => {
  it('are one per ingest function plus the cursor signing key', () => {
    // Act
    const ids = [...secrets().keys()].sort();

    // Assess
    expect(ids).toEqual([
      'CloudinaryWebhookSecret',
      'CursorSigningSecret',
      'ImageIntelligenceWebhookSecret',
      'SharinpixWebhookSecret',
      'SpyneWebhookSecret',
    ]);
  });

  it.each([
    ['SpyneWebhookSecret', 'SPYNE_URL_TOKEN', { SPYNE_SIGNING_SECRET: '' }],
    ['SharinpixWebhookSecret', 'SHARINPIX_SECRET', {}],
    ['ImageIntelligenceWebhookSecret', 'IMAGE_INTELLIGENCE_TOKEN', {}],
    ['CursorSigningSecret', 'CURSOR_SIGNING_KEY', {}],
  ] as const)(
    '%s generates %s at deploy time and holds no value in the template',
    (id, key, rest) => {
      // Act
      const properties = secret(id);

      // Assess
      expect(properties.SecretString).toBeUndefined();
      expect(generatorOf(id).GenerateStringKey).toBe(key);
      expect(JSON.parse(generatorOf(id).SecretStringTemplate)).toEqual(rest);
    },
  );

  it.each(['SpyneWebhookSecret', 'SharinpixWebhookSecret', 'ImageIntelligenceWebhookSecret'])(
    '%s generates a long value safe in a URL, a header and a rotation list',
    (id) => {
      // Act
      const generator = generatorOf(id);

      // Assess
      expect(generator.PasswordLength).toBeGreaterThanOrEqual(32);
      expect(generator.ExcludePunctuation).toBe(true);
      expect(generator.IncludeSpace).toBe(false);
    },
  );

  it('creates Cloudinary’s secret with an empty API secret and nothing generated', () => {
    // Act
    const properties = secret('CloudinaryWebhookSecret');

    // Assess
    expect(properties.GenerateSecretString).toBeUndefined();
    expect(JSON.parse(String(properties.SecretString))).toEqual({ CLOUDINARY_API_SECRET: '' });
  });

  it('leaves Spyne’s signing secret empty, so signed deliveries stay refused until it is set', () => {
    // Act
    const template = JSON.parse(generatorOf('SpyneWebhookSecret').SecretStringTemplate);

    // Assess
    expect(template).toEqual({ SPYNE_SIGNING_SECRET: '' });
  });

  it('contains none of the printed dev secrets anywhere in the template', () => {
    // Act
    const text = JSON.stringify(synthesized.template.toJSON());

    // Assess
    expect(text.length).toBeGreaterThan(1000);
    for (const value of [...Object.values(DEV_SECRETS), DEV_CURSOR_SIGNING_KEY]) {
      expect(text).not.toContain(value);
    }
  });
});
