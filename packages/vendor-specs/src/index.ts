// The vendors' published API specifications (OpenAPI 3.0) and recorded answers, as they were published, and a check
// of a body Sigil sends against them with a real JSON Schema validator (ajv). Tests only: nothing here ships.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { default as addFormatsModule } from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/** The specifications held here (see specs/README.md for where each comes from). */
export const VENDOR_SPEC_FILES = {
  fortanix: 'fortanix-dsm-openapi.json',
  pingone: 'pingone-credentials-openapi.yaml',
} as const;

/** A vendor whose published OpenAPI document is held here. */
export type VendorSpecName = keyof typeof VENDOR_SPEC_FILES;

/** The answers SignPath's API gave, recorded by Jsign (file names under specs/signpath-recorded). */
export type SignPathRecording =
  | 'signpath-approval-error.json'
  | 'signpath-invalid-hash-algorithm-error.json'
  | 'signpath-invalid-policy-error.json'
  | 'signpath-invalid-signature-algorithm-error.json'
  | 'signpath-signing-policies-invalid.json'
  | 'signpath-signing-policies.json'
  | 'signpath-signing-request.json';

/** The outcome of a check: `errors` says, in words, where the body departs from the vendor's schema. */
export interface SpecCheck {
  readonly valid: boolean;
  readonly errors: readonly string[];
}

/** One published OpenAPI document and checks against it. */
export interface VendorSpec {
  /** The OpenAPI document, parsed. */
  readonly document: OpenApiDocument;
  /** The path template (`/crypto/v1/keys/{key-id}`) a concrete path is an instance of; literal segments win. */
  pathTemplate(method: string, path: string): string | undefined;
  /**
   * Checks an answer against the schema the spec gives for `method path` and `status` (an exact status, then the
   * `2XX` class, then `default`). An operation or status the spec does not describe is a failure, not a pass; a
   * status the spec answers with no content requires an empty body (`undefined`).
   */
  validateResponse(method: string, path: string, status: number, body: unknown): SpecCheck;
  /** Checks a value against `components.schemas[name]`. */
  validateSchema(name: string, value: unknown): SpecCheck;
  /** The properties `components.schemas[name]` requires, its `allOf` parts and `$ref`s included, in spec order. */
  requiredProperties(name: string): string[];
}

type JsonObject = { [key: string]: unknown };

/** The parts of an OpenAPI 3.0 document this module reads. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, JsonObject>> };
}

const SPECS_DIR = new URL('../specs/', import.meta.url);
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** The text of a file under specs/, byte for byte as published. */
export function vendorSpecText(file: string): string {
  return readFileSync(new URL(file, SPECS_DIR), 'utf8');
}

/** A SignPath answer as its API sent it (recorded by Jsign), parsed. */
export function signPathRecording(file: SignPathRecording): JsonObject {
  return JSON.parse(vendorSpecText(`signpath-recorded/${file}`)) as JsonObject;
}

const loaded = new Map<VendorSpecName, VendorSpec>();

/** The published spec of a vendor, parsed once per process, with its checks. */
export function vendorSpec(name: VendorSpecName): VendorSpec {
  let spec = loaded.get(name);
  if (spec === undefined) {
    const file = VENDOR_SPEC_FILES[name];
    const text = vendorSpecText(file);
    const document = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OpenApiDocument;
    spec = createVendorSpec(name, document);
    loaded.set(name, spec);
  }
  return spec;
}

/**
 * OpenAPI 3.0's `oneOf` to JSON Schema's `anyOf`. The Fortanix spec's batch items are `oneOf` two branches that
 * declare no `required` field (`{status, body}` / `{status, error}`), so any item matches both and a strict `oneOf`
 * fails every answer; `anyOf` keeps each branch's types and drops only the exclusivity the spec cannot state.
 */
function oneOfAsAnyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(oneOfAsAnyOf);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value))
    out[key === 'oneOf' ? 'anyOf' : key] = oneOfAsAnyOf(child);
  return out;
}

/** RFC 6901 §3: `~` as `~0`, `/` as `~1`. */
function pointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createVendorSpec(name: string, document: OpenApiDocument): VendorSpec {
  // Lenient about keywords JSON Schema lacks (`example`, `xml`, `discriminator` without `oneOf` semantics), strict
  // about the ones it has; `nullable` is OpenAPI 3.0's and ajv understands it.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema(oneOfAsAnyOf(document) as JsonObject, name);
  const compiled = new Map<string, ValidateFunction>();
  const check = (pointer: string, value: unknown): SpecCheck => {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${name}#${pointer}` });
      compiled.set(pointer, validate);
    }
    const valid = validate(value) as boolean;
    return { valid, errors: valid ? [] : describeErrors(validate.errors) };
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
    parameters: (template.match(/\{/g) ?? []).length,
  }));

  const pathTemplate = (method: string, path: string): string | undefined => {
    const verb = method.toLowerCase();
    const matches = templates.filter(
      (candidate) => candidate.pattern.test(path) && document.paths[candidate.template]?.[verb] !== undefined,
    );
    matches.sort((a, b) => a.parameters - b.parameters);
    return matches[0]?.template;
  };

  return {
    document,
    pathTemplate,
    validateResponse(method, path, status, body) {
      const verb = method.toLowerCase();
      if (!HTTP_METHODS.has(verb)) return { valid: false, errors: [`${method} is not an HTTP method`] };
      const template = pathTemplate(verb, path);
      if (template === undefined) {
        return { valid: false, errors: [`the spec describes no ${method.toUpperCase()} ${path}`] };
      }
      const responses = (document.paths[template]?.[verb]?.responses ?? {}) as Record<string, JsonObject>;
      const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
      if (statusKey === undefined) {
        return {
          valid: false,
          errors: [`the spec gives ${method.toUpperCase()} ${template} no ${status} answer`],
        };
      }
      const content = responses[statusKey]?.content as Record<string, JsonObject> | undefined;
      const base = `/paths/${pointerSegment(template)}/${verb}/responses/${pointerSegment(statusKey)}`;
      if (content === undefined) {
        return body === undefined || body === ''
          ? { valid: true, errors: [] }
          : {
              valid: false,
              errors: [`the spec gives ${statusKey} of ${template} no body, and one was sent`],
            };
      }
      const mediaType = 'application/json' in content ? 'application/json' : Object.keys(content)[0];
      if (mediaType === undefined || content[mediaType]?.schema === undefined)
        return { valid: true, errors: [] };
      return check(`${base}/content/${pointerSegment(mediaType)}/schema`, body);
    },
    requiredProperties(schemaName) {
      const required = new Set<string>();
      const visit = (schema: JsonObject | undefined): void => {
        if (schema === undefined) return;
        const ref = schema.$ref;
        if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
          visit(document.components.schemas[ref.slice('#/components/schemas/'.length)]);
        }
        for (const name of (schema.required as string[] | undefined) ?? []) required.add(name);
        for (const part of (schema.allOf as JsonObject[] | undefined) ?? []) visit(part);
      };
      const schema = document.components.schemas[schemaName];
      if (schema === undefined) throw new Error(`the spec has no schema ${schemaName}`);
      visit(schema);
      return [...required];
    },
    validateSchema(schemaName, value) {
      if (document.components.schemas[schemaName] === undefined) {
        return { valid: false, errors: [`the spec has no schema ${schemaName}`] };
      }
      return check(`/components/schemas/${pointerSegment(schemaName)}`, value);
    },
  };
}
