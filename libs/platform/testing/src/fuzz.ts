import fc from 'fast-check';
import { Role } from '@live/contracts';
import { Socket, io } from 'socket.io-client';
import { AppProcess } from './app-process';
import { tokenFor } from './http';

/**
 * Property-based fuzzing of a running app (fast-check): every operation of its OpenAPI
 * document with hostile ids, queries, headers and bodies, and every socket.io event with
 * hostile payloads. Cases come from `fc.sample` with a fixed seed (FUZZ_SEED) and a bounded
 * count (FUZZ_RUNS per operation), so a run is reproducible; every case runs and every
 * finding is collected (no shrinking against a stateful server).
 */
export const fuzzSettings = () => ({
  seed: Number(process.env.FUZZ_SEED ?? 1515),
  runs: Number(process.env.FUZZ_RUNS ?? 24),
});

// ------------------------------------------------------------------ hostile values

/** Strings that have broken parsers, databases and logs before. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\uffff',
  '\u202e\u0041\u0042',
  '👍🏽👨‍👩‍👧‍👦',
  'Z̵̡̢͇̬̗a̷l̸g̵o̶',
  '%',
  '%00',
  '%%',
  '_',
  '\\',
  "'; DROP TABLE broadcasts; --",
  '" OR 1=1 --',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'toString',
  'NaN',
  'null',
  'undefined',
  'true',
  '-1',
  '1e309',
  '99999999999999999999999999',
  '18446744073709551615-18446744073709551615',
  '99999999999999999999-0',
  '0-0',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999+14:00',
  '1970-01-01T00:00:00.000Z',
  '2024-02-30T00:00:00Z',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  'a'.repeat(5_000),
  '한'.repeat(3_000),
  'http://',
  'javascript:alert(1)',
  'https://' + 'a'.repeat(3_000) + '.example',
];

const nastyString = fc.constantFrom(...NASTY_STRINGS);
const anyString = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
);
const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased to the hostile: wrong types, odd keys, nesting. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(anyString, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A value nested `depth` times: arrays or objects. */
export const deep = (depth: number, kind: 'array' | 'object' = 'array'): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
};

// ------------------------------------------------------------------ OpenAPI

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  $ref?: string;
};

export interface Operation {
  method: string;
  /** the OpenAPI path, `{id}` placeholders kept */
  path: string;
  pathParams: string[];
  query: { name: string; schema?: Schema }[];
  body?: Schema;
  hasBody: boolean;
  operationId?: string;
}

/** Every operation of an app's `/openapi.json` (served by the shared bootstrap). */
export async function openApiOperations(baseUrl: string): Promise<Operation[]> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (res.status !== 200) throw new Error(`${baseUrl}/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; operationId?: string }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: body && !body.$ref ? body : undefined,
        hasBody: method !== 'get' && method !== 'delete',
        operationId: op.operationId,
      });
    }
  }
  return ops;
}

/** Strings a schema allows that still hurt: control characters, lone surrogates, scripts. */
const typedNasty = (min: number, max: number) =>
  fc.oneof(
    fc.constantFrom(...NASTY_STRINGS.filter((x) => x.length >= min && x.length <= max)),
    fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 30) }),
    fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '%', '_', '\\', "'", '\u202e', '\n'), minLength: min, maxLength: Math.min(max, 12) }),
  );

const isoDate = fc
  .record({ y: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 2020, max: 2040 })), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), ms: fc.boolean(), tz: fc.constantFrom('Z', '+14:00', '-12:00', '+00:00', '+09:00') })
  .map(({ y, m, d, ms, tz }) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T12:00:00${ms ? '.999' : ''}${tz}`);

function patterned(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    const arb = fc.stringMatching(new RegExp(pattern));
    fc.sample(arb, { numRuns: 1, seed: 1 });
    return arb;
  } catch {
    return undefined;
  }
}

/**
 * Values shaped by a JSON schema. `valid`: what the schema allows, with the nastiest strings,
 * dates and numbers it allows (a NUL inside a title, year 0, the largest amount); `hostile`:
 * one leaf in six is anything at all.
 */
export function fromSchema(schema: Schema | undefined, depth = 0, mode: 'valid' | 'hostile' = 'hostile'): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileJson;
  const own = ((): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alts = schema.anyOf ?? schema.oneOf;
    if (alts?.length) return fc.oneof(...alts.map((s) => fromSchema(s, depth + 1, mode)));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    const s = schema as Schema & { minLength?: number; minItems?: number; maxItems?: number };
    switch (type) {
      case 'string': {
        if (schema.format === 'uuid') return fc.uuid();
        if (schema.format === 'date-time') return isoDate;
        if (schema.format === 'uri') return fc.oneof(fc.webUrl(), fc.constantFrom('https://example.com/' + 'a'.repeat(2_000), 'http://[::1]/x', 'https://例え.jp/%00'));
        const fromPattern = schema.pattern ? patterned(schema.pattern) : undefined;
        if (fromPattern) return fromPattern;
        return typedNasty(Math.max(1, s.minLength ?? 0), schema.maxLength ?? 200);
      }
      case 'integer': {
        const [min, max] = [schema.minimum ?? -(2 ** 31), schema.maximum ?? 2 ** 31];
        return fc.oneof(fc.constantFrom(min, max), fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }));
      }
      case 'number':
        return fc.oneof(fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 9_999_999_999.99, 0.01, 1e15), fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1e12, noNaN: true }));
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(fromSchema(schema.items, depth + 1, mode), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 6) });
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        return fc.record(Object.fromEntries(props.map(([k, p]) => [k, fromSchema(p, depth + 1, mode)])), { requiredKeys: schema.required?.filter((r) => props.some(([k]) => k === r)) ?? [] });
      }
      default:
        return hostileJson;
    }
  })();
  if (mode === 'valid') return own;
  // one leaf in six is anything at all: a wrong type, a hostile string
  return fc.oneof({ weight: 5, arbitrary: own }, { weight: 1, arbitrary: hostileJson });
}

/** A valid body with exactly one field swapped for anything at all. */
const oneFieldHostile = (schema: Schema | undefined) =>
  fc.tuple(fromSchema(schema, 0, 'valid'), fc.nat(), hostileJson).map(([v, n, bad]) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const keys = Object.keys(schema?.properties ?? {});
    if (!keys.length) return v;
    return { ...v, [keys[n % keys.length]]: bad };
  });

// ------------------------------------------------------------------ HTTP cases

export type Caller = 'anonymous' | 'garbage-token' | Role;

export interface HttpCase {
  method: string;
  url: string;
  caller: Caller;
  headers: Record<string, string>;
  /** exactly what is sent */
  body?: string;
  label: string;
}

export interface HttpFinding {
  case: HttpCase;
  status: number;
  body: unknown;
  problem: string;
}

/**
 * Percent-encodes anything, lone surrogates included (as the 3-byte sequences a hostile
 * client can send raw, where encodeURIComponent throws).
 */
export function encodeAny(s: string): string {
  return s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^A-Za-z0-9\-_.!~*'()]/g, (ch) => {
    if (ch.length === 2 || !/[\ud800-\udfff]/.test(ch)) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

const segment = (fill: (name: string) => string | undefined) =>
  (name: string): fc.Arbitrary<string> => {
    const known = fill(name);
    return fc.oneof(
      { weight: 2, arbitrary: fc.uuid() },
      ...(known ? [{ weight: 8, arbitrary: fc.constant(known) }] : []),
      { weight: 3, arbitrary: anyString.map((s) => encodeAny(s.slice(0, 1_000)) || '%20') },
      { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '..', '.', '%2F', '%00', '%E0%A4%A') },
    );
  };

const bodyArb = (op: Operation): fc.Arbitrary<{ text?: string; label: string; contentType?: string }> =>
  fc.oneof(
    { weight: 6, arbitrary: fromSchema(op.body, 0, 'valid').map((v) => ({ text: JSON.stringify(v), label: 'valid with nasty values' })) },
    { weight: 3, arbitrary: oneFieldHostile(op.body).map((v) => ({ text: JSON.stringify(v), label: 'one field hostile' })) },
    { weight: 2, arbitrary: fromSchema(op.body).map((v) => ({ text: JSON.stringify(v), label: 'schema-shaped' })) },
    { weight: 2, arbitrary: hostileJson.map((v) => ({ text: JSON.stringify(v) ?? 'null', label: 'hostile json' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { text: '{', label: 'truncated json' },
        { text: '{"a":1,"a":2}', label: 'duplicate keys' },
        { text: 'null', label: 'null' },
        { text: '"string"', label: 'a string' },
        { text: '[]', label: 'an array' },
        { text: '12', label: 'a number' },
        { text: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', label: 'prototype pollution' },
        { text: `${'['.repeat(20_000)}1${']'.repeat(20_000)}`, label: 'deep arrays' },
        { text: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, label: 'deep objects' },
        { text: JSON.stringify({ x: 'a'.repeat(300_000) }), label: 'huge body' },
        { text: JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i)), label: 'long array' },
        { text: '\ufeff{}', label: 'BOM' },
        { text: '{"a":1}', label: 'not json content type', contentType: 'text/plain' },
        { text: '<a>1</a>', label: 'xml', contentType: 'application/xml' },
        { text: 'a=1&b=2', label: 'form', contentType: 'application/x-www-form-urlencoded' },
        { text: '{"a":1}', label: 'utf-16 charset', contentType: 'application/json; charset=utf-16' },
        { text: '{"a":1}', label: 'gzip claimed', contentType: 'application/json' },
        { label: 'no body' },
      ),
    },
  );

const callerArb: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Caller>('admin', 'admin', 'operator', 'seller', 'viewer', 'moderator') },
  { weight: 1, arbitrary: fc.constantFrom<Caller>('anonymous', 'garbage-token') },
);

/** The cases for one operation: seeded, `runs` of them. */
export function httpCases(op: Operation, opts: { seed: number; runs: number; fill?: (param: string) => string | undefined }): HttpCase[] {
  const seg = segment(opts.fill ?? (() => undefined));
  const arb = fc.record({
    params: fc.tuple(...op.pathParams.map(seg), fc.constant('')),
    query: fc.array(
      fc.tuple(
        fc.oneof(...(op.query.length ? [fc.constantFrom(...op.query.map((q) => q.name))] : []), fc.constantFrom('limit', 'cursor', 'x', '__proto__', 'a[b]')),
        fc.oneof(anyString, nastyNumber.map(String), fc.constant('')),
      ),
      { maxLength: 4 },
    ),
    // a GET carries no body (fetch would refuse one); a DELETE sometimes does
    body:
      op.hasBody ? bodyArb(op)
      : op.method === 'GET' ? fc.constant({ label: 'none' } as { text?: string; label: string; contentType?: string })
      : fc.oneof({ weight: 9, arbitrary: fc.constant({ label: 'none' } as { text?: string; label: string; contentType?: string }) }, { weight: 1, arbitrary: bodyArb(op) }),
    caller: callerArb,
    correlation: fc.oneof(fc.constant(undefined), anyString.map((s) => s.replace(/[^\x20-\x7e]/g, '?'))),
    extra: fc.oneof(fc.constant(undefined), fc.constantFrom<[string, string]>(['accept', 'application/xml'], ['x-forwarded-for', '1.2.3.4, ::1'], ['content-encoding', 'gzip'], ['accept-encoding', 'br'], ['if-none-match', '*'], ['range', 'bytes=0-0,-1'])),
  });
  const seen = new Set<string>();
  return fc.sample(arb, { seed: opts.seed, numRuns: opts.runs }).flatMap((c) => {
    let i = 0;
    const path = op.path.replace(/\{(\w+)\}/g, () => c.params[i++]);
    const qs = c.query.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v.slice(0, 1_000))}`).join('&');
    const url = qs ? `${path}?${qs}` : path;
    const headers: Record<string, string> = {};
    const token = tokenOf(c.caller);
    if (token) headers.authorization = `Bearer ${token}`;
    if (c.body.text !== undefined) headers['content-type'] = c.body.contentType ?? 'application/json';
    if (c.correlation !== undefined) headers['x-correlation-id'] = c.correlation.slice(0, 200);
    if (c.extra) headers[c.extra[0]] = c.extra[1];
    const key = `${op.method} ${url} ${c.caller} ${c.body.text ?? ''}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ method: op.method, url, caller: c.caller, headers, body: c.body.text, label: `${op.method} ${op.path} [${c.body.label}, ${c.caller}]` }];
  });
}

const FUZZ_USER = 'fuzz-user';
export function tokenOf(caller: Caller): string | undefined {
  if (caller === 'anonymous') return undefined;
  if (caller === 'garbage-token') return 'not.a.token';
  return tokenFor(`${FUZZ_USER}-${caller}`, [caller]);
}

/** What a refusal must look like: a 4xx `{ code, message }` (and `field` on a 400). */
export function checkAnswer(status: number, body: unknown): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  const b = body as { code?: unknown; message?: unknown; field?: unknown } | undefined;
  if (typeof b !== 'object' || b === null) return `a ${status} without a JSON error body`;
  if (typeof b.code !== 'string' || typeof b.message !== 'string') return `a ${status} without code and message`;
  if (b.field !== undefined && typeof b.field !== 'string') return `a ${status} whose field is not a string`;
  if (status === 400 && typeof b.field !== 'string') return 'a 400 that names no field';
  return undefined;
}

export async function sendCase(baseUrl: string, c: HttpCase): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${baseUrl}${c.url}`, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text, which checkAnswer refuses for an error
    }
    return { status: res.status, body };
  } catch (err) {
    // the connection dropped or the app did not answer: as bad as a 5xx
    return { status: 599, body: String((err as Error).cause ?? err) };
  }
}

export interface HttpFuzzReport {
  cases: number;
  statuses: Record<number, number>;
  fiveXx: number;
  findings: HttpFinding[];
}

/**
 * Runs every case against the app, one at a time. `afterWrite` runs after each case that is
 * not a GET, with the status it got, and says what is wrong with what it left, if anything.
 */
export async function fuzzHttp(
  baseUrl: string,
  ops: Operation[],
  opts: { seed: number; runs: number; fill?: (param: string) => string | undefined; afterWrite?: (c: HttpCase, status: number) => Promise<string | undefined> },
): Promise<HttpFuzzReport> {
  const report: HttpFuzzReport = { cases: 0, statuses: {}, fiveXx: 0, findings: [] };
  for (const [n, op] of ops.entries()) {
    for (const c of httpCases(op, { ...opts, seed: opts.seed + n })) {
      const { status, body } = await sendCase(baseUrl, c);
      report.cases++;
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      if (status >= 500) report.fiveXx++;
      let problem = checkAnswer(status, body);
      if (c.method !== 'GET' && opts.afterWrite) problem = (await opts.afterWrite(c, status)) ?? problem;
      if (problem) report.findings.push({ case: c, status, body, problem });
    }
  }
  return report;
}

/** Findings as a few readable lines for a failure message: one example of each kind. */
export function describeFindings(findings: HttpFinding[], max = 25): string {
  const kinds = new Map<string, HttpFinding>();
  for (const f of findings) {
    const kind = `${f.problem} ${f.case.method} ${f.case.label.split(' [')[0]} ${JSON.stringify((f.body as { message?: unknown })?.message ?? f.body).slice(0, 60)}`;
    if (!kinds.has(kind)) kinds.set(kind, f);
  }
  return [...kinds.values()]
    .slice(0, max)
    .map((f) => `${f.problem}: ${f.case.label}\n  ${f.case.method} ${f.case.url.slice(0, 200)}\n  body ${String(f.case.body).slice(0, 300)}\n  -> ${JSON.stringify(f.body).slice(0, 300)}`)
    .join('\n');
}

// ------------------------------------------------------------------ socket.io cases

export interface SocketCase {
  event: string;
  args: unknown[];
  /** whether the client asks for an acknowledgement */
  ack: boolean;
  label: string;
}

const binary = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));

/** Hostile payloads for one event: wrong types, huge, deep, binary, extra arguments. */
export function socketCases(event: string, opts: { seed: number; runs: number; valid?: fc.Arbitrary<unknown> }): SocketCase[] {
  const payload = fc.oneof(
    ...(opts.valid ? [{ weight: 3, arbitrary: opts.valid.map((v) => ({ v, label: 'schema-shaped' })) }] : []),
    { weight: 3, arbitrary: hostileJson.map((v) => ({ v, label: 'hostile json' })) },
    { weight: 1, arbitrary: binary.map((v) => ({ v, label: 'binary' })) },
    { weight: 1, arbitrary: fc.record({ broadcastId: anyString, lastSeq: anyString }).map((v) => ({ v, label: 'hostile fields' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { v: deep(800), label: 'deep arrays' },
        { v: deep(500, 'object'), label: 'deep objects' },
        { v: { broadcastId: 'a'.repeat(200_000) }, label: 'huge' },
        { v: { broadcastId: 'show-1', lastSeq: '99999999999999999999-0' }, label: 'seq past uint64' },
        { v: { broadcastId: 'show-1', lastSeq: '18446744073709551615-18446744073709551615' }, label: 'last possible seq' },
        { v: { broadcastId: Buffer.from('x') }, label: 'binary field' },
        { v: undefined, label: 'nothing' },
      ),
    },
  );
  const arb = fc.record({
    p: payload,
    ack: fc.boolean(),
    extra: fc.oneof({ weight: 3, arbitrary: fc.constant([] as unknown[]) }, { weight: 1, arbitrary: fc.array(hostileJson, { minLength: 1, maxLength: 2 }) }),
  });
  return fc.sample(arb, { seed: opts.seed, numRuns: opts.runs }).map(({ p, ack, extra }) => ({
    event,
    args: [p.v, ...extra],
    ack,
    label: `${event} [${p.label}${extra.length ? `, +${extra.length} args` : ''}${ack ? ', ack' : ', no ack'}]`,
  }));
}

export interface SocketFinding {
  case: SocketCase;
  problem: string;
  answer?: unknown;
}

/** A socket.io client for fuzzing: reconnects are ours to make, not the library's. */
export function fuzzSocket(url: string, token?: string): Socket {
  return io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5_000 });
}

export async function connected(socket: Socket): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

/**
 * Sends each case on a socket (a new one when the server closed the last, as it may for an
 * oversized message) and checks the acknowledgement: `{ ok: true }` or `{ ok: false, code }`.
 */
export async function fuzzSocketEvents(url: string, cases: SocketCase[], token?: string): Promise<{ cases: number; findings: SocketFinding[]; disconnects: number }> {
  const findings: SocketFinding[] = [];
  let disconnects = 0;
  let socket = fuzzSocket(url, token);
  for (const c of cases) {
    if (!socket.connected) {
      socket.close();
      socket = fuzzSocket(url, token);
      try {
        await connected(socket);
      } catch (err) {
        findings.push({ case: c, problem: `cannot connect: ${(err as Error).message}` });
        continue;
      }
    }
    if (c.ack) {
      try {
        const answer = (await socket.timeout(5_000).emitWithAck(c.event, ...c.args)) as { ok?: unknown; code?: unknown };
        const ok = typeof answer === 'object' && answer !== null && (answer.ok === true || (answer.ok === false && typeof answer.code === 'string'));
        if (!ok) findings.push({ case: c, problem: 'an acknowledgement that is not { ok } or { ok: false, code }', answer });
      } catch (err) {
        if (!socket.connected) disconnects++;
        // a message over the size limit is refused by closing the socket; anything else must answer
        else findings.push({ case: c, problem: `no acknowledgement: ${(err as Error).message}` });
      }
    } else {
      socket.emit(c.event, ...c.args);
    }
  }
  socket.close();
  return { cases: cases.length, findings, disconnects };
}

/** Socket findings, one example of each kind. */
export function describeSocketFindings(findings: SocketFinding[], max = 25): string {
  const kinds = new Map<string, SocketFinding>();
  for (const f of findings) {
    const kind = `${f.problem} ${f.case.label}`;
    if (!kinds.has(kind)) kinds.set(kind, f);
  }
  return [...kinds.values()]
    .slice(0, max)
    .map((f) => `${f.problem}: ${f.case.label}\n  args ${safeJson(f.case.args).slice(0, 300)}\n  -> ${safeJson(f.answer).slice(0, 300)}`)
    .join('\n');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * The HTTP fuzz of one app as a Jest test: starts the app from its build, fuzzes every
 * operation of its OpenAPI document, and expects no 5xx, clean refusals and a live process.
 */
export function describeHttpFuzz(app: string, opts: { fill?: (param: string) => string | undefined; minOperations?: number } = {}): void {
  describe(`${app} HTTP fuzz`, () => {
    let proc: AppProcess;
    beforeAll(async () => {
      proc = await AppProcess.start(app);
    });
    afterAll(async () => {
      await proc?.stop();
    });

    it('answers every fuzzed request with a 2xx or a clean 4xx, and keeps running', async () => {
      const ops = await openApiOperations(proc.url);
      expect(ops.length).toBeGreaterThanOrEqual(opts.minOperations ?? 3);
      const { seed, runs } = fuzzSettings();
      const report = await fuzzHttp(proc.url, ops, { seed, runs, fill: opts.fill });
      console.log(`${app} fuzz: ${report.cases} cases over ${ops.length} operations, statuses ${JSON.stringify(report.statuses)}, 5xx ${report.fiveXx}`);
      expect(describeFindings(report.findings)).toBe('');
      expect(report.fiveXx).toBe(0);
      expect(proc.running).toBe(true);
      expect(await proc.ready()).toBe(200);
    });
  });
}

/**
 * Opens a socket with each token and gives, per token, the code of the `connect_error` it got
 * (undefined when it connected): a test expects every hostile token to get `UNAUTHORIZED`.
 */
export async function handshakeCodes(url: string, tokens: Array<{ name: string; token?: string }>): Promise<Array<{ name: string; code?: string }>> {
  const codes: Array<{ name: string; code?: string }> = [];
  for (const { name, token } of tokens) {
    const socket = fuzzSocket(url, token);
    const err = await connected(socket).then(
      () => undefined,
      (e: Error & { data?: { code?: string } }) => e,
    );
    socket.close();
    codes.push({ name, code: err?.data?.code });
  }
  return codes;
}
