import fc from 'fast-check';
import type { BodyFile } from '../../../../scripts/fixtures/build-fixtures';
import { eventNameOfBodyFile } from '../../../../scripts/fixtures/build-fixtures';
import { signSpyneSignature } from '../../../../shared/vendors/spyne/signature';
import { DEV_SECRETS } from '../../../../shared/config/dev-secrets';
import { cloudinarySignatureHeaders } from '../../../../shared/vendors/cloudinary/signature';
import type { Vendor } from '../../../../shared/vendors/vendor';
import type { HttpRequest } from '../http-client';
import { allowedStatuses, BODY_LIMIT_BYTES } from './fuzz-oracle';
import { type JsonMutation, containersOf, mutateJson, setOwn } from './json-mutations';

/** The families of generated requests; each suite run reports how many of each it sent. */
export const FUZZ_KINDS = [
  'mutated-fixture',
  'random-json',
  'deep-nesting',
  'huge-string',
  'invalid-utf8',
  'prototype-keys',
  'wrong-content-type',
  'binary-body',
  'base64-text',
  'form-json-swap',
  'empty-body',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** What fills the slot planted in a body: nested brackets, a long string, or invalid UTF-8. */
type SlotFill =
  | { readonly kind: 'nesting'; readonly depth: number; readonly shape: 'array' | 'object' }
  | { readonly kind: 'string'; readonly totalBytes: number; readonly char: string }
  | { readonly kind: 'invalid-utf8'; readonly bytes: readonly number[] };

/** A generated request, small enough to keep by the thousand; `materialize` builds the bytes. */
export interface FuzzSpec {
  readonly route: Vendor;
  readonly kind: FuzzKind;
  readonly authenticated: boolean;
  /** How an unauthenticated request gets its credential wrong. */
  readonly badCredential: 'absent' | 'wrong' | 'empty' | 'whitespace';
  readonly wrongSecret: string;
  readonly fixture: number;
  readonly mutations: readonly JsonMutation[];
  /** A top-level key written twice in the text (JSON.parse keeps the second). */
  readonly duplicateKey?: { readonly member: number; readonly value: unknown };
  readonly contentType: string | undefined;
  /** Form-encode the JSON (SharinPix's older format). */
  readonly asForm: boolean;
  readonly slot?: { readonly container: number; readonly key: string; readonly fill: SlotFill };
  readonly randomJson?: unknown;
  readonly bytes?: Uint8Array;
  readonly sharinpixEvent?: string;
  readonly extraQuery: string;
}

/** A spec turned into bytes, with what the contract allows for it. */
export interface FuzzCase {
  readonly spec: FuzzSpec;
  readonly request: HttpRequest;
  readonly allowed: readonly number[];
  /** One line saying what was sent, without the body, for failure messages. */
  readonly description: string;
}

const SLOT_TOKEN = '@@FUZZ_SLOT@@';
const SLOT_TEXT = Buffer.from(JSON.stringify(SLOT_TOKEN), 'utf8');

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/vnd.vendor.webhook+json',
  undefined,
];
const FORM_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
];
const WRONG_TYPES = [
  'text/plain',
  'text/html; charset=utf-8',
  'application/xml',
  'text/xml',
  'multipart/form-data; boundary=----fuzz',
  'application/octet-stream',
  'image/jpeg',
  'application/jsonp',
  'application/json-seq',
  'application/x-www-form-urlencoded-extended',
  'json',
  '*/*',
  'application/json, text/plain',
];

/** Keys that tempt code: prototype names, JSON-ish punctuation, blanks, unicode. */
const keyArbitrary = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'ñame',
    '🙂',
    'a-b',
    'status',
    'signature',
  ),
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !/[.[\]]/.test(key)),
);

const smallJson = fc.jsonValue({ maxDepth: 3 });

const mutationArbitrary: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), container: fc.nat(), member: fc.nat() }),
  fc.record({
    op: fc.constant('retype' as const),
    container: fc.nat(),
    member: fc.nat(),
    value: smallJson,
  }),
  fc.record({
    op: fc.constant('duplicate' as const),
    container: fc.nat(),
    member: fc.nat(),
    key: keyArbitrary,
  }),
  fc.record({
    op: fc.constant('extend' as const),
    container: fc.nat(),
    key: keyArbitrary,
    value: smallJson,
  }),
);

const prototypeMutation: fc.Arbitrary<JsonMutation> = fc.record({
  op: fc.constant('prototype-key' as const),
  container: fc.nat(),
  key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const),
  value: fc.oneof(
    fc.constant({ polluted: true, status: 'deleted', isAdmin: true }),
    fc.constant({ prototype: { polluted: true } }),
    smallJson,
  ),
});

const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x61, 0x62, 0xfe, 0x63],
);

const slotFill: Record<'deep-nesting' | 'huge-string' | 'invalid-utf8', fc.Arbitrary<SlotFill>> = {
  'deep-nesting': fc.record({
    kind: fc.constant('nesting' as const),
    depth: fc.constantFrom(17, 64, 1000, 10_000, 100_000),
    shape: fc.constantFrom('array' as const, 'object' as const),
  }),
  'huge-string': fc.record({
    kind: fc.constant('string' as const),
    totalBytes: fc.constantFrom(
      1_000_000,
      BODY_LIMIT_BYTES - 1,
      BODY_LIMIT_BYTES,
      BODY_LIMIT_BYTES + 1,
      1_100_000,
      2_000_000,
    ),
    char: fc.constantFrom('a', 'é', '\u0000', '"'),
  }),
  'invalid-utf8': fc.record({ kind: fc.constant('invalid-utf8' as const), bytes: invalidUtf8 }),
};

const printable = fc.string({
  minLength: 1,
  maxLength: 40,
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.~'.split('')),
});

const SHARINPIX_ODD_EVENTS = [
  'new_publication',
  'New Image',
  'processed_image',
  'bogus_event',
  '',
  'x'.repeat(300),
];

/**
 * The generator for one route: every kind of request a route can receive, authenticated or not,
 * with weights that spend most of the budget on mutated real bodies.
 */
export const fuzzSpecArbitrary = (route: Vendor, fixtureCount: number): fc.Arbitrary<FuzzSpec> => {
  const base: fc.Arbitrary<Omit<FuzzSpec, 'kind'>> = fc
    .record({
      route: fc.constant(route),
      authenticated: fc.boolean(),
      badCredential: fc.constantFrom(
        'absent' as const,
        'wrong' as const,
        'empty' as const,
        'whitespace' as const,
      ),
      wrongSecret: printable.map((text) => `wrong-${text}`),
      fixture: fc.nat({ max: Math.max(0, fixtureCount - 1) }),
      mutations: fc.constant([]),
      asForm: route === 'sharinpix' ? fc.boolean() : fc.constant(false),
      sharinpixEvent: fc.option(fc.constantFrom(...SHARINPIX_ODD_EVENTS), {
        freq: 8,
        nil: undefined,
      }),
      extraQuery: fc.constantFrom('', 'utm_source=fuzz', 'a=1&b=%FF', 'x=%00&y=', 'page=1&page=2'),
    })
    .chain((spec) =>
      fc
        .constantFrom(...(spec.asForm ? FORM_TYPES : JSON_TYPES))
        .map((contentType) => ({ ...spec, contentType })),
    );
  const kind = <E extends Partial<FuzzSpec>>(
    name: FuzzKind,
    extra: fc.Arbitrary<E>,
  ): fc.Arbitrary<FuzzSpec> =>
    fc.tuple(base, extra).map(([spec, more]) => ({ ...spec, ...more, kind: name }));
  const slotted = (name: 'deep-nesting' | 'huge-string' | 'invalid-utf8') =>
    kind(
      name,
      fc.record({
        slot: fc.record({ container: fc.nat(), key: keyArbitrary, fill: slotFill[name] }),
      }),
    );
  return fc.oneof(
    {
      weight: 40,
      arbitrary: kind(
        'mutated-fixture',
        fc.record({
          mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
          duplicateKey: fc.option(fc.record({ member: fc.nat(), value: smallJson }), {
            nil: undefined,
          }),
        }),
      ),
    },
    {
      weight: 8,
      arbitrary: kind('random-json', fc.record({ randomJson: fc.jsonValue({ maxDepth: 4 }) })),
    },
    { weight: 5, arbitrary: slotted('deep-nesting') },
    { weight: 2, arbitrary: slotted('huge-string') },
    { weight: 5, arbitrary: slotted('invalid-utf8') },
    {
      weight: 8,
      arbitrary: kind(
        'prototype-keys',
        fc.record({ mutations: fc.array(prototypeMutation, { minLength: 1, maxLength: 3 }) }),
      ),
    },
    {
      weight: 8,
      arbitrary: kind(
        'wrong-content-type',
        fc.record({
          contentType: fc.constantFrom(...WRONG_TYPES),
          mutations: fc.array(mutationArbitrary, { maxLength: 2 }),
        }),
      ),
    },
    {
      weight: 5,
      arbitrary: kind(
        'binary-body',
        fc.record({
          bytes: fc.uint8Array({ minLength: 1, maxLength: 2048 }),
          contentType: fc.constantFrom(
            'application/octet-stream',
            'application/json',
            undefined,
            'image/png',
          ),
        }),
      ),
    },
    { weight: 3, arbitrary: kind('base64-text', fc.record({})) },
    {
      weight: 4,
      arbitrary: kind(
        'form-json-swap',
        fc.record({ contentType: fc.constantFrom(...JSON_TYPES, ...FORM_TYPES) }),
      ),
    },
    { weight: 2, arbitrary: kind('empty-body', fc.record({})) },
  );
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Percent-encodes bytes as a form value (so invalid UTF-8 survives into the form as %XX). */
const formValue = (bytes: Buffer): string =>
  [...bytes]
    .map((byte) =>
      /[A-Za-z0-9*\-._]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const formOf = (json: Buffer): Buffer => Buffer.from(`p=${formValue(json)}`, 'latin1');

const fillBytes = (fill: SlotFill, sizeWithoutSlot: number): Buffer => {
  switch (fill.kind) {
    case 'nesting': {
      const [open, close] = fill.shape === 'array' ? ['[', ']'] : ['{"n":', '}'];
      const middle = fill.shape === 'array' ? '' : '0';
      return Buffer.from(`${open.repeat(fill.depth)}${middle}${close.repeat(fill.depth)}`, 'utf8');
    }
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from('"fuzz-'), Buffer.from(fill.bytes), Buffer.from('"')]);
    case 'string': {
      const unit = JSON.stringify(fill.char).slice(1, -1);
      const unitBytes = Buffer.byteLength(unit, 'utf8');
      const count = Math.max(0, Math.floor((fill.totalBytes - sizeWithoutSlot - 2) / unitBytes));
      return Buffer.from(`"${unit.repeat(count)}"`, 'utf8');
    }
  }
};

/** The body with its slot filled: the JSON text split at the slot token. */
const withSlot = (text: string, fill: SlotFill | undefined): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  const at = fill ? bytes.indexOf(SLOT_TEXT) : -1;
  if (!fill || at < 0) return bytes;
  const before = bytes.subarray(0, at);
  const after = bytes.subarray(at + SLOT_TEXT.length);
  return Buffer.concat([before, fillBytes(fill, before.length + after.length), after]);
};

/** Writes one top-level key twice: first with a decoy value, then (as parsed) the real one. */
const withDuplicateKey = (
  text: string,
  payload: unknown,
  duplicate: FuzzSpec['duplicateKey'],
): string => {
  if (!duplicate || !isPlainObject(payload) || !text.startsWith('{')) return text;
  const keys = Object.keys(payload);
  const key = keys[duplicate.member % Math.max(1, keys.length)];
  if (key === undefined) return text;
  const decoy = `${JSON.stringify(key)}:${JSON.stringify(duplicate.value ?? null)}`;
  return `{${decoy}${text.length > 2 ? ',' : ''}${text.slice(1)}`;
};

/** Spyne signs only the ids, with HS256; a test-signed token for the body's own ids is valid. */
const spyneSignature = (payload: Record<string, unknown>, secret: string): string | undefined => {
  const { project_id: projectId, sku_id: skuId } = payload;
  if (typeof projectId !== 'string' || typeof skuId !== 'string') return undefined;
  const now = Math.floor(Date.now() / 1000);
  return signSpyneSignature({ project_id: projectId, sku_id: skuId }, secret, {
    iat: now,
    exp: now + 3600,
  });
};

const credentialValue = (spec: FuzzSpec, secret: string): string | undefined => {
  if (spec.authenticated) return secret;
  switch (spec.badCredential) {
    case 'absent':
      return undefined;
    case 'wrong':
      return spec.wrongSecret;
    case 'empty':
      return '';
    case 'whitespace':
      return ' ';
  }
};

/**
 * Builds a spec's request: fixture, mutations, credentials (a Spyne signature re-signed for the
 * mutated ids when authenticated, forged when not), serialization with its slot, duplicate key
 * and form framing, then headers and query. The allowed statuses come from the oracle.
 */
export const materialize = (spec: FuzzSpec, fixtures: readonly BodyFile[]): FuzzCase => {
  const fixture = fixtures[spec.fixture % fixtures.length];
  if (!fixture) throw new Error(`no ${spec.route} fixtures`);
  let payload: unknown =
    spec.kind === 'random-json'
      ? spec.randomJson
      : mutateJson(
          spec.route === 'spyne' && Object.hasOwn(fixture.body, 'sku_status')
            ? {
                ...fixture.body,
                signature: spyneSignature(fixture.body, DEV_SECRETS.SPYNE_SIGNING_SECRET),
              }
            : fixture.body,
          spec.mutations,
        );
  let signatureValid = false;
  if (spec.route === 'spyne' && isPlainObject(payload) && Object.hasOwn(payload, 'signature')) {
    const signature = spyneSignature(
      payload,
      spec.authenticated ? DEV_SECRETS.SPYNE_SIGNING_SECRET : spec.wrongSecret,
    );
    if (signature !== undefined) {
      setOwn(payload, 'signature', signature);
      signatureValid = spec.authenticated;
    } else if (!spec.authenticated) {
      delete payload.signature;
    }
  }
  if (spec.slot) {
    const containers = containersOf(payload);
    const target = containers[spec.slot.container % Math.max(1, containers.length)];
    // A new member, never an existing one: replacing Spyne's signature would change the oracle.
    const key =
      target && !Array.isArray(target) && Object.hasOwn(target, spec.slot.key)
        ? `${spec.slot.key}_fuzz`
        : spec.slot.key;
    if (Array.isArray(target)) target.push(SLOT_TOKEN);
    else if (target) setOwn(target, key, SLOT_TOKEN);
    else payload = SLOT_TOKEN;
  }
  const text = withDuplicateKey(JSON.stringify(payload) ?? 'null', payload, spec.duplicateKey);
  const json = withSlot(text, spec.slot?.fill);

  let body: Buffer;
  switch (spec.kind) {
    case 'binary-body':
      body = Buffer.from(spec.bytes ?? []);
      break;
    case 'empty-body':
      body = Buffer.alloc(0);
      break;
    case 'base64-text':
      body = Buffer.from(json.toString('base64'), 'utf8');
      break;
    case 'form-json-swap':
      // The body in the other format than its content type announces (form on JSON, and back).
      body = spec.contentType?.includes('form') ? json : formOf(json);
      break;
    default:
      body = spec.asForm ? formOf(json) : json;
  }

  const headers: Record<string, string> = { 'user-agent': `${spec.route}-fuzz` };
  if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
  const queryParts = spec.extraQuery ? [spec.extraQuery] : [];
  const secret = {
    spyne: DEV_SECRETS.SPYNE_URL_TOKEN,
    sharinpix: DEV_SECRETS.SHARINPIX_SECRET,
    'image-intelligence': DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN,
    cloudinary: DEV_SECRETS.CLOUDINARY_API_SECRET,
  }[spec.route];
  const credential = credentialValue(spec, secret);
  if (spec.route === 'sharinpix') {
    if (credential !== undefined) headers['x-sharinpix-secret'] = credential;
    headers['x-sharinpix-event'] = spec.sharinpixEvent ?? eventNameOfBodyFile(fixture.name);
  } else if (spec.route === 'cloudinary') {
    // Signed over the final bytes, as Cloudinary signs what it sends; a bad credential signs
    // with the wrong secret (or sends no signature).
    if (credential !== undefined) {
      Object.assign(headers, cloudinarySignatureHeaders(body, new Date(), credential));
    }
  } else if (credential !== undefined) {
    queryParts.push(`token=${encodeURIComponent(credential)}`);
  }
  const request: HttpRequest = {
    path: `/webhooks/${spec.route}`,
    query: queryParts.join('&'),
    headers,
    body,
  };
  const allowed = allowedStatuses({
    route: spec.route,
    body,
    contentType: spec.contentType,
    authenticated: spec.authenticated,
    signatureValid,
  });
  const description = [
    `${spec.route} ${spec.kind}`,
    spec.authenticated ? 'authenticated' : `credential ${spec.badCredential}`,
    `fixture ${fixture.name}`,
    `content-type ${JSON.stringify(spec.contentType)}${spec.asForm ? ' (form)' : ''}`,
    `${body.length} bytes`,
    spec.mutations.length > 0 ? `mutations ${JSON.stringify(spec.mutations).slice(0, 300)}` : '',
    spec.slot ? `slot ${JSON.stringify({ ...spec.slot.fill, key: spec.slot.key })}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return { spec, request, allowed, description };
};
