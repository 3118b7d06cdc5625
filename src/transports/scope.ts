// Which HTTP session the code running now serves: entered around each request a session handles, and inherited by
// everything that request starts (timers, polls, promises), so that an uncaught exception can be laid at that
// session's door and close it alone (src/run/http.ts).
import { AsyncLocalStorage } from "node:async_hooks";

export interface SessionScope {
  /** For the line that reports the failure: never a secret. */
  readonly label: string;
  /** Ends the session; the server keeps serving the others. */
  close(): void;
}

export const sessionScope = new AsyncLocalStorage<SessionScope>();
