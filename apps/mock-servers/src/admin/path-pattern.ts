// Path patterns of the admin API: an exact path, or a prefix ending in `*` (WireMock's urlPath / urlPathPattern lite).

/** True when `path` matches `pattern` (exact, or prefix when the pattern ends in `*`). */
export function matchesPathPattern(pattern: string, path: string, caseInsensitive: boolean): boolean {
  const subject = caseInsensitive ? path.toLowerCase() : path;
  const wanted = caseInsensitive ? pattern.toLowerCase() : pattern;
  if (wanted.endsWith('*')) return subject.startsWith(wanted.slice(0, -1));
  return subject === wanted;
}

/** True when `method` matches a pattern method (`ANY` or `*` match every method). */
export function matchesMethod(pattern: string | undefined, method: string): boolean {
  if (pattern === undefined) return true;
  const wanted = pattern.toUpperCase();
  return wanted === 'ANY' || wanted === '*' || wanted === method.toUpperCase();
}
