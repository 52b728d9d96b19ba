/**
 * Contract checks: a response of the local server against the providers' OpenAPI files (copies in
 * test/fixtures/spec/, patched where plainly wrong; see docs/api-compatibility.md "Contract tests"). Responses of
 * routes a spec describes are validated against that route's schema for the status; any other error response
 * (unknown routes, local extensions, statuses a spec leaves out) against the dialect's error schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { ROOT } from './env.ts';

type Json = Record<string, unknown>;

interface Spec {
  name: 'cloudflare' | 'sgp' | 'neostore';
  /** Where the spec's paths start on the local server. */
  prefix: string;
  id: string;
  doc: { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };
  ajv: Ajv;
  /** The dialect's error body, as a pointer into the spec, for errors no operation describes. */
  errorSchema(status: number): string | Json;
}

// ajv-formats is CommonJS: under Node's ESM loader its plugin is the default export, which its types do not say.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

function load(file: string): Spec['doc'] & Json {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'spec', file), 'utf8')) as Spec['doc'] & Json;
}

function makeAjv(draft2020: boolean): Ajv {
  const options = { strict: false, allErrors: true, validateSchema: false, discriminator: true };
  const ajv = draft2020 ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

const FASTAPI_DETAIL: Json = { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } };

const SPECS: Spec[] = [
  {
    name: 'cloudflare',
    prefix: '/client/v4',
    id: 'cloudflare.json',
    doc: load('cloudflare-secrets-store.openapi.json'),
    ajv: makeAjv(false),
    errorSchema: () => 'cloudflare.json#/components/schemas/secrets-store_api-response-common-failure',
  },
  {
    name: 'sgp',
    prefix: '',
    id: 'sgp.json',
    doc: load('sgp-secrets.openapi.json'),
    ajv: makeAjv(true),
    errorSchema: (status) => (status === 422 ? 'sgp.json#/components/schemas/HTTPValidationError' : FASTAPI_DETAIL),
  },
  {
    name: 'neostore',
    prefix: '',
    id: 'neostore.json',
    doc: load('neostore-secrets.openapi.json'),
    ajv: makeAjv(true),
    errorSchema: (status) =>
      status === 400 ? 'neostore.json#/components/schemas/HttpValidationProblemDetails' : 'neostore.json#/components/schemas/ProblemDetails',
  },
];
for (const spec of SPECS) spec.ajv.addSchema(spec.doc, spec.id);

const DIALECT_PREFIX: Record<Spec['name'], string> = { cloudflare: '/client/v4', sgp: '/v5', neostore: '/api' };

function specFor(path: string): Spec | undefined {
  return SPECS.find((s) => path === DIALECT_PREFIX[s.name] || path.startsWith(`${DIALECT_PREFIX[s.name]}/`));
}

const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The spec's path template that matches a concrete path, if any. */
function templateFor(spec: Spec, path: string): string | undefined {
  const relative = path.slice(spec.prefix.length);
  return Object.keys(spec.doc.paths).find((template) => {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(relative);
  });
}

const compiled = new Map<string, ValidateFunction>();
function validator(spec: Spec, schema: string | Json): ValidateFunction {
  const key = `${spec.id} ${typeof schema === 'string' ? schema : JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = spec.ajv.compile(typeof schema === 'string' ? { $ref: schema } : schema);
    compiled.set(key, validate);
  }
  return validate;
}

export interface Exchange {
  method: string;
  /** The path, without the query. */
  path: string;
  status: number;
  contentType: string | null;
  body: string;
}

/** What is wrong with a response, by the spec of its dialect; undefined when it conforms (or no spec covers it). */
export function contractViolation(exchange: Exchange): string | undefined {
  const spec = specFor(exchange.path);
  if (!spec) return undefined;
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  const template = templateFor(spec, exchange.path);
  const operation = template ? spec.doc.paths[template]?.[exchange.method.toLowerCase()] : undefined;
  const responses = operation?.responses ?? {};
  const code = [String(exchange.status), `${String(exchange.status)[0]}XX`, 'default'].find((c) => c in responses);
  const documented = code === undefined ? undefined : responses[code];
  // A success of a route no spec describes (the local extensions) has nothing to be checked against.
  if (exchange.status < 400 && !operation) return undefined;
  if (exchange.status < 400 && !documented) return `${where}: status not in the spec`;
  const type = exchange.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  let schema: string | Json;
  if (documented?.content && Object.keys(documented.content).length > 0) {
    if (!(type in documented.content)) return `${where}: content type "${type}" not in the spec (${Object.keys(documented.content).join(', ')})`;
    schema = `${spec.id}#/paths/${pointer(template!)}/${exchange.method.toLowerCase()}/responses/${code}/content/${pointer(type)}/schema`;
  } else if (exchange.status >= 400) {
    schema = spec.errorSchema(exchange.status);
  } else {
    return exchange.body === '' ? undefined : `${where}: a body where the spec has none`;
  }
  let value: unknown = exchange.body;
  if (type !== 'text/plain') {
    try {
      value = JSON.parse(exchange.body);
    } catch {
      return `${where}: the body is not JSON (${type})`;
    }
  }
  const validate = validator(spec, schema);
  if (validate(value)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  return `${where}: ${errors.join('; ')} — body ${exchange.body.slice(0, 300)}`;
}
