import { ACCESS_LOG_FIELDS } from '../../../infra/access-log-fields';
import { accessLogLineBytes } from '../../../bench/measure/log-volume';

describe('accessLogLineBytes', () => {
  it('sizes one line of the deployed access log format, every field filled', () => {
    // Act
    const bytes = accessLogLineBytes();

    // Assess: each field adds at least its quoted name, a colon and a quoted value
    const fields = Object.keys(ACCESS_LOG_FIELDS);
    const floor = fields.reduce((sum, name) => sum + name.length + 6, 2);
    expect(bytes).toBeGreaterThan(floor);
    expect(bytes).toBeLessThan(1024);
  });

  it('refuses a field it has no sample value for, so a new field is sized, not skipped', () => {
    // Prepare
    const fields = { ...ACCESS_LOG_FIELDS, domain: '$context.domainName' };

    // Act
    const size = () => accessLogLineBytes(fields);

    // Assess
    expect(size).toThrow('no sample value for $context.domainName');
  });
});
