import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v from 'valibot';
import { FUNCTION_LOGICAL_IDS } from '../../../infra/constructs/pipeline-functions';
import { FUNCTION_NAMES } from '../../../shared/http/routes';
import {
  resourceById,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

/** A bundle past this has pulled in something it should not (a second SDK, a test helper …). */
const BUNDLE_BUDGET_BYTES = 1024 * 1024;

/**
 * The ingest functions' goal (docs/performance.md): they call AWS through the lean JSON client in
 * `shared/aws/`, so a bundle past this has pulled an SDK client (or something as large) back in.
 */
const INGEST_BUNDLE_BUDGET_BYTES = 200 * 1024;

/** The goal of every other function (docs/performance.md). */
const OTHER_BUNDLE_BUDGET_BYTES = 250 * 1024;

/**
 * The one function that still calls AWS through an SDK client: the publisher, for EventBridge's
 * `PutEvents`. Every other one, DynamoDB included, goes through the lean JSON client.
 */
const carriesSdkClient = (name: string): boolean => name === 'publisher';

/** How an inlined AWS SDK client announces itself in minified code: its package name and version. */
const SDK_CLIENT_MARKER = /"@aws-sdk\/client-[a-z-]+",version:"3\.\d+\.\d+"/;

const isIngest = (name: string): boolean => name.startsWith('ingest-');

const AssetMetadataSchema = v.object({ 'aws:asset:path': v.string() });

/**
 * Every module a bundle imports with a static `import` statement. In minified output a statement
 * starts the file or follows `;` or `}`; import-like text inside string literals (the SDK's error
 * messages quote `import "@aws-sdk/signature-v4-crt"`) follows other characters and is skipped.
 */
const importedModules = (code: string): readonly string[] =>
  [...code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"']+)["']/g)].map(
    (match) => match[1] ?? '',
  );

/** Just enough configuration for each handler module to load outside Lambda. */
const LOAD_ENVIRONMENT: Readonly<Record<string, string>> = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/events',
  QUARANTINE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/quarantine',
  RECORDS_TABLE: 'records',
  LEDGER_TABLE: 'ledger',
  EVENT_BUS_NAME: 'changes',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/**
 * Loads a bundle with plain Node from an empty directory, where no `node_modules` can be found:
 * linking fails if the bundle still imports a package, so loading proves it is self-contained.
 */
const exportedHandlerType = (bundle: string): string => {
  const isolated = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
  const copy = path.join(isolated, 'index.mjs');
  fs.copyFileSync(bundle, copy);
  try {
    return execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(copy).href)}); process.stdout.write(typeof m.handler);`,
      ],
      {
        cwd: isolated,
        env: { PATH: process.env.PATH ?? '', ...LOAD_ENVIRONMENT },
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );
  } finally {
    fs.rmSync(isolated, { recursive: true, force: true });
  }
};

let synthesized: SynthesizedStack;
const bundleDirectory = (logicalId: string): string => {
  const metadata = v.parse(
    AssetMetadataSchema,
    resourceById(synthesized.parsed, logicalId).Metadata,
  );
  return path.join(synthesized.assemblyDirectory, metadata['aws:asset:path']);
};

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks({
    bundle: true,
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
}, SYNTH_TIMEOUT_MS);

describe.each(FUNCTION_NAMES)('the %s bundle', (name) => {
  const logicalId = FUNCTION_LOGICAL_IDS[name];
  const code = () => fs.readFileSync(path.join(bundleDirectory(logicalId), 'index.mjs'), 'utf8');

  it('is one ES module file with no source map next to it', () => {
    // Act
    const files = fs.readdirSync(bundleDirectory(logicalId));

    // Assess
    expect(files).toEqual(['index.mjs']);
  });

  it('recreates `require` for the CommonJS code it inlines', () => {
    // Act
    const firstLine = code().split('\n', 1)[0];

    // Assess
    expect(firstLine).toContain("import { createRequire as __createRequire } from 'node:module'");
    expect(firstLine).toContain('const require = __createRequire(import.meta.url)');
  });

  it('imports Node built-ins only: whatever AWS client it has is inside', () => {
    // Act
    const modules = importedModules(code());

    // Assess
    expect(modules).toContain('node:module');
    for (const specifier of modules) expect(specifier).toMatch(/^node:/);
  });

  const budget = isIngest(name) ? INGEST_BUNDLE_BUDGET_BYTES : OTHER_BUNDLE_BUDGET_BYTES;
  if (carriesSdkClient(name)) {
    it(`carries the AWS SDK inside and stays within ${budget / 1024} KB`, () => {
      // Act
      const text = code();

      // Assess
      expect(text).toMatch(SDK_CLIENT_MARKER);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(budget);
    });
  } else {
    it(`carries no AWS SDK client and stays within ${budget / 1024} KB`, () => {
      // Act
      const text = code();

      // Assess
      expect(text).not.toMatch(SDK_CLIENT_MARKER);
      expect(text).not.toContain('@aws-sdk/');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(budget);
    });
  }

  it('loads with plain Node and no node_modules, exporting the handler', () => {
    // Act
    const handlerType = exportedHandlerType(path.join(bundleDirectory(logicalId), 'index.mjs'));

    // Assess
    expect(handlerType).toBe('function');
  });

  it('is minified and within its size budget', () => {
    // Act
    const text = code();
    const lines = text.split('\n');

    // Assess
    expect(lines.length).toBeLessThan(200);
    expect(text.length / lines.length).toBeGreaterThan(1000);
    expect(Buffer.byteLength(text)).toBeLessThan(BUNDLE_BUDGET_BYTES);
  });
});
