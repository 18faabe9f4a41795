/**
 * Record headers arrive from the wire or the disk with arbitrary names; building the headers
 * object must not let a name such as "__proto__" change the object instead of adding a header.
 */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true })
  else headers[name] = value
}
