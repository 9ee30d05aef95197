import { ConfigurationError } from '../../../shared/config/env';
import { cursorKeySource, DEV_CURSOR_SIGNING_KEY } from '../../../shared/read/cursor-signing-key';
import { readReadConfig } from '../../../shared/read/read-config';

const STRONG_KEY = 'k'.repeat(48);
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSigningSecret-AbCdEf';

describe('cursorKeySource', () => {
  it('prefers CURSOR_SIGNING_KEY when set', () => {
    // Act
    const source = cursorKeySource({
      CURSOR_SIGNING_KEY: STRONG_KEY,
      CURSOR_SECRET_ARN: SECRET_ARN,
      AWS_LAMBDA_FUNCTION_NAME: 'read',
    });

    // Assess
    expect(source).toEqual({ kind: 'value', key: STRONG_KEY });
  });

  it('reads the secret CDK wires in AWS', () => {
    // Act
    const source = cursorKeySource({
      CURSOR_SECRET_ARN: SECRET_ARN,
      AWS_LAMBDA_FUNCTION_NAME: 'read',
    });

    // Assess
    expect(source).toEqual({ kind: 'secret', secretId: SECRET_ARN });
  });

  it('falls back to the dev key outside Lambda, an empty variable counting as unset', () => {
    // Act
    const source = cursorKeySource({ CURSOR_SIGNING_KEY: '' });

    // Assess
    expect(source).toEqual({ kind: 'value', key: DEV_CURSOR_SIGNING_KEY });
  });

  it('fails loudly in Lambda with neither a key nor a secret', () => {
    // Act
    const read = () => cursorKeySource({ AWS_LAMBDA_FUNCTION_NAME: 'vendor-webhooks-read' });

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow('CURSOR_SIGNING_KEY: is required in Lambda');
  });

  it('refuses a key too short to sign with', () => {
    // Act
    const read = () => cursorKeySource({ CURSOR_SIGNING_KEY: 'short' });

    // Assess
    expect(read).toThrow('CURSOR_SIGNING_KEY: must be at least 32 characters');
  });
});

describe('readReadConfig', () => {
  it('needs the records table', () => {
    // Act
    const read = () => readReadConfig({ CURSOR_SIGNING_KEY: STRONG_KEY });

    // Assess
    expect(read).toThrow('RECORDS_TABLE: is required but not set');
  });

  it('reads the table and the key source', () => {
    // Act
    const config = readReadConfig({ RECORDS_TABLE: 'records', CURSOR_SECRET_ARN: SECRET_ARN });

    // Assess
    expect(config).toEqual({
      recordsTable: 'records',
      cursorKey: { kind: 'secret', secretId: SECRET_ARN },
    });
  });
});
