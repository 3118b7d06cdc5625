// Whether a host is this machine: used to warn about plain http to another one and to decide what --http may bind
// without a bearer token.
import { isIP } from "node:net";

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return new URL(`http://[${h}]`).hostname === "[::1]";
  return false;
}

/** A host without the brackets of an IPv6 literal. */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
