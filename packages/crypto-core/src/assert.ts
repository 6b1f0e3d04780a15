// Input checks shared by every public function: wrong type -> TypeError, wrong size -> RangeError.

/** Asserts `value` is a Uint8Array (of `length` bytes, when given). */
export function abytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Asserts `value` is a safe integer within [min, max]. */
export function anumber(
  value: unknown,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`${name} must be an integer`);
  if (value < min || value > max) throw new RangeError(`${name} must be in [${min}, ${max}], got ${value}`);
}

/** Asserts `value` is a bigint (greater than `min` when given). */
export function abigint(value: unknown, name: string, min?: bigint): asserts value is bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint`);
  if (min !== undefined && value <= min) throw new RangeError(`${name} must be greater than ${min}`);
}

/** Asserts `value` is a string. */
export function astring(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
}

/** Asserts `value` is one of `allowed`. */
export function aoneOf<const T extends readonly unknown[]>(
  value: unknown,
  allowed: T,
  name: string,
): asserts value is T[number] {
  if (!allowed.includes(value)) {
    throw new RangeError(`${name} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
  }
}

/** Asserts `value` is a non-null object (not an array). */
export function aobject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object`);
  }
}
