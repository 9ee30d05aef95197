import {
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

let synthesized: SynthesizedStack;
const output = (id: string) => {
  const found = synthesized.parsed.Outputs[id];
  if (found === undefined) throw new Error(`no output ${id}`);
  return { value: JSON.stringify(found.Value), description: found.Description ?? '' };
};

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('stack outputs', () => {
  it('list everything an operator needs after deploy, and nothing else', () => {
    // Act
    const ids = Object.keys(synthesized.parsed.Outputs).sort();

    // Assess
    expect(ids).toEqual([
      'ChangeEventBusArn',
      'ChangeEventBusName',
      'ChangeStreamFailureQueueUrl',
      'CloudinaryWebhookSecretName',
      'CloudinaryWebhookUrl',
      'CursorSigningSecretName',
      'DeadLetterQueueUrl',
      'ImageIntelligenceWebhookSecretName',
      'ImageIntelligenceWebhookUrl',
      'LedgerTableName',
      'OperationsDashboardUrl',
      'QuarantineQueueUrl',
      'ReadApiBaseUrl',
      'RecordsTableName',
      'SharinpixWebhookSecretName',
      'SharinpixWebhookUrl',
      'SpyneWebhookSecretName',
      'SpyneWebhookUrl',
      'WebhookQueueUrl',
    ]);
  });

  it.each([
    ['SpyneWebhookUrl', '/webhooks/spyne', /\?token=<SPYNE_URL_TOKEN/],
    ['SharinpixWebhookUrl', '/webhooks/sharinpix', /X-Sharinpix-Secret.*SHARINPIX_SECRET/],
    [
      'ImageIntelligenceWebhookUrl',
      '/webhooks/image-intelligence',
      /\?token=<IMAGE_INTELLIGENCE_TOKEN/,
    ],
    ['CloudinaryWebhookUrl', '/webhooks/cloudinary', /CLOUDINARY_API_SECRET/],
  ] as const)(
    '%s is the API URL of its route and says how to add the credential',
    (id, path, how) => {
      // Act
      const { value, description } = output(id);

      // Assess
      expect(value).toContain('{"Ref":"HttpApi"}');
      expect(value).toContain(`"${path}"`);
      expect(description).toMatch(how);
    },
  );

  it('gives the operations dashboard’s URL in the stack’s region', () => {
    // Act
    const { value } = output('OperationsDashboardUrl');

    // Assess
    expect(value).toContain('{"Ref":"AWS::Region"}');
    expect(value).toContain(`#dashboards/dashboard/${synthesized.stack.stackName}-operations`);
  });

  it('gives the read API base URL and says requests are SigV4-signed', () => {
    // Act
    const { value, description } = output('ReadApiBaseUrl');

    // Assess
    expect(value).toContain('{"Ref":"HttpApi"}');
    expect(value).toMatch(/execute-api/);
    expect(description).toMatch(/SigV4/);
  });

  it.each([
    ['RecordsTableName', '{"Ref":"RecordsTable"}'],
    ['LedgerTableName', '{"Ref":"LedgerTable"}'],
    ['WebhookQueueUrl', '{"Ref":"WebhookQueue"}'],
    ['DeadLetterQueueUrl', '{"Ref":"WebhookDeadLetterQueue"}'],
    ['QuarantineQueueUrl', '{"Ref":"QuarantineQueue"}'],
  ])('%s points at its resource', (id, expected) => {
    // Act
    const { value } = output(id);

    // Assess
    expect(value).toBe(expected);
  });

  it.each([
    ['SpyneWebhookSecretName', 'SpyneWebhookSecret'],
    ['SharinpixWebhookSecretName', 'SharinpixWebhookSecret'],
    ['ImageIntelligenceWebhookSecretName', 'ImageIntelligenceWebhookSecret'],
    ['CloudinaryWebhookSecretName', 'CloudinaryWebhookSecret'],
    ['CursorSigningSecretName', 'CursorSigningSecret'],
  ])('%s names its secret, never its value', (id, secretId) => {
    // Act
    const { value } = output(id);

    // Assess
    expect(value).toContain(`{"Ref":"${secretId}"}`);
    expect(value).not.toContain('SecretString');
  });
});
