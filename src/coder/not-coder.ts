// Telling a URL that is not Coder (or lacks its path prefix) from a Coder that fails. Every Coder serves
// /api/v2/buildinfo as JSON to anyone, without a session token, so a 404 there, or a success that is not Coder's
// build info, means the URL is wrong: it would otherwise read as "no task is visible to you".
import { CoderApiError, CoderContractError, NotCoderError } from "./errors.js";

/** The NotCoderError that a failed build-info probe means, or undefined when it says nothing of the URL. */
export function notCoder(err: unknown, origin: string): NotCoderError | undefined {
  let seen: string;
  let path: string;
  if (err instanceof CoderApiError && err.status === 404) {
    path = err.path;
    seen = `GET ${path} answered 404 (${err.detail ?? err.message})`;
  } else if (err instanceof CoderContractError) {
    path = err.path;
    seen = err.message;
  } else {
    return undefined;
  }
  return new NotCoderError(`${origin}${path.replace(/\/api\/v2\/buildinfo$/, "")}`, seen);
}
