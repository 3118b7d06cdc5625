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
    // The protocol sets onmessage when it connects; a transport may forward it elsewhere (the HTTP one does), so the
    // wrapped handler goes through whatever setter the transport has.
    const own = propertyOf(transport, "onmessage");
    let stored: Transport["onmessage"];
    Object.defineProperty(transport, "onmessage", {
      configurable: true,
      get: () => (own?.get ? own.get.call(transport) : stored),
      set: (handler: Transport["onmessage"]) => {
        const wrapped: Transport["onmessage"] = handler && ((message, extra) => around(() => handler(message, extra)));
        if (own?.set) own.set.call(transport, wrapped);
        else stored = wrapped;
      },
    });
  }
  return transport;
}

function propertyOf(target: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor) return descriptor.get || descriptor.set ? descriptor : undefined;
  }
  return undefined;
}
