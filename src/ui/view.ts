// DOM for the board. Every string from Coder or an agent goes in as textContent: never parsed as HTML, so a log
// entry holding markup shows as the characters it is. Links open only through the host.
import { ago, type LogEntry, splitLinks, type TaskRow } from "./model.js";

type Props = { class?: string; text?: string; title?: string; attrs?: Record<string, string> };

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

// Colours for the words Coder uses; any other word is shown as it is, in a neutral badge.
const TONES: Record<string, string> = {
  active: "ok",
  idle: "ok",
  complete: "ok",
  working: "info",
  pending: "info",
  initializing: "info",
  paused: "muted",
  unknown: "muted",
  error: "danger",
  failed: "danger",
};

export function badge(word: string, kind: "status" | "state"): HTMLElement {
  return el("span", {
    class: `badge ${TONES[word] ?? "neutral"}`,
    text: word,
    attrs: { "data-kind": kind, title: `${kind === "status" ? "Task status" : "Agent state"}: ${word}` },
  });
}

export function badges(row: TaskRow): HTMLElement {
  const box = el("span", { class: "badges" }, badge(row.status, "status"));
  if (row.state) box.append(badge(row.state, "state"));
  return box;
}

export interface Clock {
  now: number;
  locale?: string;
}

function time(iso: string, clock: Clock, label = ""): HTMLElement {
  const node = el("time", { attrs: { datetime: iso, "data-label": label }, title: iso });
  node.textContent = `${label} ${ago(iso, clock.now, clock.locale)}`.trim();
  return node;
}

// What each list last showed: a refresh that brings nothing new only moves its times on, so that focus, text
// selection and scrolling survive.
const shown = new WeakMap<HTMLElement, string>();

function unchanged(list: HTMLElement, data: unknown, clock: Clock): boolean {
  const signature = JSON.stringify(data);
  if (shown.get(list) !== signature) {
    shown.set(list, signature);
    return false;
  }
  for (const node of list.querySelectorAll<HTMLElement>("time[datetime]")) {
    const label = node.dataset.label ?? "";
    node.textContent = `${label} ${ago(node.getAttribute("datetime") ?? "", clock.now, clock.locale)}`.trim();
  }
  return true;
}

/** The task list: one button per task, so that Tab, Enter and the arrow keys reach every one. */
export function renderTasks(
  list: HTMLElement,
  rows: TaskRow[],
  selected: string | undefined,
  clock: Clock,
  onSelect: (id: string) => void,
): void {
  if (unchanged(list, [rows, selected], clock)) return;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
  list.replaceChildren(
    ...rows.map((row) => {
      const title = row.display_name || row.name;
      const button = el(
        "button",
        { class: "task", attrs: { type: "button", "data-id": row.id, "aria-pressed": String(row.id === selected) } },
        el(
          "span",
          { class: "task-head" },
          el(
            "span",
            { class: "task-title" },
            el("span", { class: "task-name", text: title }),
            el("span", { class: "owner", text: `${row.owner}/${row.name}` }),
          ),
          badges(row),
        ),
        el("span", { class: "message", text: row.message ?? "No message from the agent yet." }),
        el("span", { class: "times" }, time(row.updated_at, clock, "updated"), time(row.created_at, clock, "created")),
      );
      button.addEventListener("click", () => onSelect(row.id));
      return el("li", {}, button);
    }),
  );
  if (focused) list.querySelector<HTMLElement>(`[data-id="${CSS.escape(focused)}"]`)?.focus();
}

/** Entries newest first; URLs in them are buttons that ask the host to open the link. */
export function renderLog(list: HTMLElement, entries: LogEntry[], clock: Clock, open: (url: string) => void): void {
  if (unchanged(list, entries, clock)) return;
  list.replaceChildren(
    ...entries.map((entry) => {
      const content = el("div", { class: "content" });
      for (const part of splitLinks(entry.content)) {
        if (!part.url) {
          content.append(part.text);
          continue;
        }
        const url = part.url;
        const link = el("a", { text: url, attrs: { href: url, rel: "noreferrer" } });
        link.addEventListener("click", (event) => {
          event.preventDefault();
          open(url);
        });
        content.append(link);
      }
      const cut = entry.cut_chars ? `${entry.cut_chars} characters cut` : "";
      return el(
        "li",
        { class: `entry ${entry.type === "input" ? "input" : "output"}`, attrs: { "data-id": String(entry.id) } },
        el(
          "div",
          { class: "entry-head" },
          el("span", { class: "who", text: entry.type === "input" ? "Input" : "Agent" }),
          el("span", { class: "muted", text: `#${entry.id}` }),
          time(entry.time, clock),
          el("span", { class: "muted", text: cut }),
        ),
        content,
      );
    }),
  );
}
