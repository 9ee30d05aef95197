import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  ALARM_THRESHOLD_DEFAULTS,
  readStackConfig,
  STACK_CONFIG_DEFAULTS,
  STACK_CONFIG_KEYS,
  StackConfigError,
  stackNameFor,
} from '../../../infra/stack-config';

const configOf = (context: Record<string, unknown>) => readStackConfig(new App({ context }));

const DEPLOY_DOC = path.resolve(__dirname, '..', '..', '..', 'docs', 'deploy.md');

describe('stack configuration from CDK context', () => {
  it('falls back to the documented defaults when nothing is set', () => {
    // Act
    const config = configOf({});

    // Assess
    expect(config).toEqual({
      stage: 'prod',
      logRetentionDays: 30,
      accessLogRetentionDays: 90,
      throttles: {},
      alarmThresholds: {},
      localInvoke: false,
    });
    expect(stackNameFor(config.stage)).toBe('VendorWebhooks-prod');
  });

  it('reads CLI strings: numbers, booleans and JSON objects', () => {
    // Act
    const config = configOf({
      stage: 'dev',
      alarmEmail: ' oncall@example.com ',
      logRetentionDays: '14',
      accessLogRetentionDays: '365',
      throttles: '{"POST /webhooks/spyne":{"rateLimit":80,"burstLimit":"160"}}',
      alarmThresholds: '{"throttledRequests":5}',
      customDomainName: 'hooks.example.com',
      customDomainCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      localInvoke: 'true',
      changeEventBusArn: 'arn:aws:events:eu-west-1:210987654321:event-bus/image-events',
    });

    // Assess
    expect(config).toEqual({
      stage: 'dev',
      alarmEmail: 'oncall@example.com',
      logRetentionDays: 14,
      accessLogRetentionDays: 365,
      throttles: { 'POST /webhooks/spyne': { rateLimit: 80, burstLimit: 160 } },
      alarmThresholds: { throttledRequests: 5 },
      customDomainName: 'hooks.example.com',
      customDomainCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      localInvoke: true,
      changeEventBusArn: 'arn:aws:events:eu-west-1:210987654321:event-bus/image-events',
    });
    expect(stackNameFor(config.stage)).toBe('VendorWebhooks-dev');
  });

  it('reads the same settings as JSON values from cdk.json', () => {
    // Act
    const config = configOf({
      logRetentionDays: 60,
      throttles: { 'GET /images': { burstLimit: 80 } },
      alarmThresholds: { unauthorizedPercent: 50 },
      localInvoke: false,
    });

    // Assess
    expect(config.logRetentionDays).toBe(60);
    expect(config.throttles).toEqual({ 'GET /images': { burstLimit: 80 } });
    expect(config.alarmThresholds).toEqual({ unauthorizedPercent: 50 });
  });

  it.each([
    ['stage', { stage: 'Dev_1' }, /^context "stage": must be 1-16 lower-case/],
    ['alarmEmail', { alarmEmail: 'oncall' }, /^context "alarmEmail": must be an email address/],
    [
      'logRetentionDays',
      { logRetentionDays: '10' },
      /^context "logRetentionDays": must be one of 1, 3/,
    ],
    [
      'throttles',
      { throttles: '{"POST /webhooks/spyn":{"rateLimit":1}}' },
      /^context "throttles\.POST \/webhooks\/spyn": must be a route key/,
    ],
    [
      'throttles',
      { throttles: '{"POST /webhooks/spyne":{"rate":1}}' },
      /^context "throttles\.POST \/webhooks\/spyne\.rate"/,
    ],
    ['throttles', { throttles: '{not json' }, /^context "throttles": cannot read/],
    [
      'alarmThresholds',
      { alarmThresholds: { throttledRequests: -1 } },
      /^context "alarmThresholds\.throttledRequests": must be at least 0/,
    ],
    [
      'customDomainName',
      { customDomainName: 'hooks.example.com' },
      /^context "customDomainName": customDomainName and customDomainCertificateArn go together/,
    ],
    [
      'customDomainCertificateArn',
      { customDomainName: 'hooks.example.com', customDomainCertificateArn: 'arn:aws:iam::1:x' },
      /^context "customDomainCertificateArn": must be an ACM certificate ARN/,
    ],
    ['localInvoke', { localInvoke: 'yes' }, /^context "localInvoke"/],
    [
      'changeEventBusArn',
      { changeEventBusArn: 'arn:aws:sns:eu-west-1:123456789012:image-events' },
      /^context "changeEventBusArn": must be an EventBridge event bus ARN/,
    ],
  ])('refuses a malformed %s, naming the key', (_key, context, message) => {
    // Act
    const read = () => configOf(context);

    // Assess
    expect(read).toThrow(StackConfigError);
    expect(read).toThrow(message);
  });

  it('documents every key with its default in docs/deploy.md', () => {
    // Prepare
    const doc = fs.readFileSync(DEPLOY_DOC, 'utf8');

    // Act
    const rows = STACK_CONFIG_KEYS.map(
      (key) => doc.split('\n').find((line) => line.startsWith(`| \`${key}\``)) ?? '',
    );

    // Assess
    expect(STACK_CONFIG_KEYS).toEqual(Object.keys(STACK_CONFIG_DEFAULTS));
    STACK_CONFIG_KEYS.forEach((key, index) => {
      const value = STACK_CONFIG_DEFAULTS[key];
      const row = rows[index] ?? '';
      expect(row).not.toBe('');
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        expect(row).toContain(`\`${String(value)}\``);
      }
    });
    for (const [name, threshold] of Object.entries(ALARM_THRESHOLD_DEFAULTS)) {
      expect(doc).toContain(`\`${name}\` (${threshold})`);
    }
  });
});
