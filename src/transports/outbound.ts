// The last step of every message this server sends, on any transport: results, errors, notifications, requests to
// the client (the delete confirmation). Every string is cleaned, then the serialized message is redacted. Nothing
// reaches a client without passing here; the formatting code cleans and fences before, this is what nothing bypasses.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { cleanDeep } from "../format/untrusted.js";
import type { Redact } from "../redact.js";

/** The message as it may leave: hidden characters removed from every string, then secrets from the whole. */
export function outbound(message: JSONRPCMessage, redact: Redact): JSONRPCMessage {
  const cleaned = cleanDeep(message);
  const json = JSON.stringify(cleaned);
  const safe = redact(json);
  return safe === json ? cleaned : (JSON.parse(safe) as JSONRPCMessage);
}

/**
 * Wraps the transport's send, in place, so that every message passes `outbound`; and, with `around`, runs the
 * handling of every incoming message inside it (whatever handler the protocol installs later).
 */
export function guardTransport<T extends Transport>(
  transport: T,
  redact: Redact,
  around?: (work: () => void) => void,
): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(outbound(message, redact), options);
  if (around) {
    let handler: Transport["onmessage"];
    Object.defineProperty(transport, "onmessage", {
      configurable: true,
      get: () =>
        handler ? (message: JSONRPCMessage, extra?: unknown) => around(() => call(message, extra)) : undefined,
      set: (value: Transport["onmessage"]) => {
        handler = value;
      },
    });
    const call = (message: JSONRPCMessage, extra?: unknown) =>
      handler?.(message, extra as Parameters<NonNullable<Transport["onmessage"]>>[1]);
  }
  return transport;
}
