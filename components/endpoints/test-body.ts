/** A response body for reading: indented when it is JSON (by content type or shape), else as it came. */
export function prettyBody(body: string, contentType?: string): string {
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(body);
  if (!looksJson) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
