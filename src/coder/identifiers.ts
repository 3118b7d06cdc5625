// Task identifier rules, as codersdk's TaskByIdentifier applies them: white space around it is trimmed; a UUID ->
// me/<uuid> (UUIDs are looked up globally, whatever the user segment says); `name` -> me/<name>; `owner/name`; more
// than one `/` is invalid.
import { InvalidIdentifierError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// codersdk.NameValid / UsernameValid: letters and digits in groups joined by single hyphens, 32 at most.
const NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const NAME_MAX = 32;

export interface TaskRef {
  owner: string;
  task: string;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isValidName(value: string): boolean {
  return value.length <= NAME_MAX && NAME.test(value);
}

/** `me`, a username, or a user UUID. */
export function isValidUser(value: string): boolean {
  return value === "me" || isUuid(value) || isValidName(value);
}

export function parseUser(value: string): string {
  if (isValidUser(value)) return value;
  throw new InvalidIdentifierError("user", value, "user");
}

export function parseTaskIdentifier(raw: string): TaskRef {
  const identifier = raw.trim();
  const parts = identifier.split("/");
  if (parts.length > 2) throw new InvalidIdentifierError("task", identifier, "slashes");
  const [first = "", second] = parts;
  const owner = second === undefined ? "me" : first;
  const task = second === undefined ? first : second;
  if (second !== undefined && owner !== "me" && !isUuid(owner) && !isValidName(owner)) {
    throw new InvalidIdentifierError("task", identifier, "owner", owner);
  }
  if (!isUuid(task) && !isValidName(task)) {
    throw new InvalidIdentifierError("task", identifier, task === "" ? "empty" : "name", task);
  }
  return { owner, task };
}

/** Later calls address a resolved task as codersdk does: me/<uuid>, since a UUID is looked up globally. */
export function refOf(task: { id: string }): TaskRef {
  return { owner: "me", task: task.id };
}
