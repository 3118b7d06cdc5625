// The task board: an MCP Apps view that the host renders for coder_list_tasks and coder_get_task results. It
// reaches the server only through the host (callServerTool), calls only the tools this server serves, refreshes
// at the waiting tools' pace while visible, and stops when hidden or torn down.
import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type LogEntry, logPageOf, matches, rowsOf, type TaskRow } from "./model.js";
import { badges, byId, type Clock, el, renderLog, renderTasks } from "./view.js";

const LOG_PAGE = 30;

const setting = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
const tools = new Set(setting("coder-tasks-tools").split(",").filter(Boolean));
const [firstPoll = 1000, maxPoll = 5000] = setting("coder-tasks-poll")
  .split(",")
  .map(Number)
  .filter((ms) => ms > 0);
const can = (tool: string) => tools.has(tool);

const ui = {
  list: byId<HTMLUListElement>("tasks"),
  filter: byId<HTMLInputElement>("filter"),
  summary: byId("summary"),
  notice: byId("notice"),
  detail: byId("detail"),
  title: byId("d-title"),
  badges: byId("d-badges"),
  message: byId("d-message"),
  pause: byId<HTMLButtonElement>("pause"),
  resume: byId<HTMLButtonElement>("resume"),
  remove: byId<HTMLButtonElement>("delete"),
  send: byId("send"),
  sendButton: byId<HTMLButtonElement>("send-button"),
  input: byId<HTMLTextAreaElement>("input"),
  logSection: byId("log-section"),
  log: byId<HTMLOListElement>("log"),
  older: byId<HTMLButtonElement>("older"),
  confirm: byId<HTMLDialogElement>("confirm"),
  confirmText: byId("confirm-text"),
  confirmCancel: byId<HTMLButtonElement>("confirm-cancel"),
  confirmDelete: byId<HTMLButtonElement>("confirm-delete"),
};

const app = new App({ name: "coder-tasks-board", version: "1.0.0" }, {});
let source: { tool: string; args: Record<string, unknown> } | undefined;
let pendingArgs: Record<string, unknown> = {};
let rows: TaskRow[] = [];
let selected: string | undefined;
let log = { taskId: "", entries: new Map<number, LogEntry>(), older: 0 };
let locale: string | undefined;

const clock = (): Clock => ({ now: Date.now(), locale });
const current = () => rows.find((r) => r.id === selected);

function say(text: string): void {
  ui.notice.textContent = text;
  ui.notice.hidden = text === "";
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** Calls one of this server's tools through the host; an error result is shown and yields undefined. */
async function call(tool: string, args: Record<string, unknown>): Promise<unknown> {
  try {
    const result = await app.callServerTool({ name: tool, arguments: args });
    if (result.isError) {
      say(textOf(result));
      return undefined;
    }
    return result.structuredContent;
  } catch (err) {
    say(`${tool} failed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function render(): void {
  const shown = rows.filter((r) => matches(r, ui.filter.value));
  ui.summary.textContent = shown.length === rows.length ? `${rows.length} tasks` : `${shown.length} of ${rows.length}`;
  renderTasks(ui.list, shown, selected, clock(), select);
  const row = current();
  ui.detail.hidden = !row;
  if (!row) return;
  ui.title.textContent = row.display_name || row.name;
  ui.badges.replaceChildren(el("span", { class: "owner", text: `${row.owner}/${row.name}` }), badges(row));
  ui.message.textContent = row.message ?? "";
  ui.pause.hidden = !can("coder_pause_task") || row.status === "paused";
  ui.resume.hidden = !can("coder_resume_task") || row.status !== "paused";
  ui.remove.hidden = !can("coder_delete_task");
  ui.send.hidden = !can("coder_send_task_input") || row.status === "paused";
  ui.logSection.hidden = !can("coder_get_task_logs");
  const entries = [...log.entries.values()].sort((a, b) => b.id - a.id);
  renderLog(ui.log, log.taskId === row.id ? entries : [], clock(), (url) => void app.openLink({ url }));
  ui.older.hidden = log.taskId !== row.id || log.older === 0;
  ui.older.textContent = `Older entries (${log.older})`;
}

function merge(updated: TaskRow[]): void {
  for (const row of updated) {
    const i = rows.findIndex((r) => r.id === row.id);
    if (i >= 0) rows[i] = row;
    else rows.push(row);
  }
}

function select(id: string): void {
  if (selected === id) return;
  selected = id;
  log = { taskId: id, entries: new Map(), older: 0 };
  say("");
  render();
  void loadLog();
  const row = current();
  if (row && app.getHostCapabilities()?.updateModelContext) {
    const text = `On the Coder task board the user opened task ${row.owner}/${row.name} (${row.status}${row.state ? `, ${row.state}` : ""}).`;
    app.updateModelContext({ content: [{ type: "text", text }] }).catch(() => {});
  }
}

/** The newest page, or the page before the oldest entry shown. */
async function loadLog(older = false): Promise<void> {
  const taskId = selected;
  if (!taskId || !can("coder_get_task_logs")) return;
  const oldest = Math.min(...log.entries.keys());
  const args = { task_id: taskId, limit: LOG_PAGE, ...(older && log.entries.size > 0 ? { before_id: oldest } : {}) };
  const page = logPageOf(await call("coder_get_task_logs", args));
  if (!page || selected !== taskId || log.taskId !== taskId) return;
  const first = page.entries[0];
  if (log.entries.size === 0 || (first && first.id <= oldest)) log.older = page.older;
  for (const entry of page.entries) log.entries.set(entry.id, entry);
  render();
}

async function refresh(): Promise<void> {
  if (!source || !can(source.tool)) return;
  const fresh = rowsOf(await call(source.tool, source.args));
  if (source.tool === "coder_list_tasks") rows = fresh;
  else merge(fresh);
  render();
  await loadLog();
}

// Refreshing: the waiting tools' pace (first interval, growing by half to the longest), only while visible.
let timer: ReturnType<typeof setTimeout> | undefined;
let interval = firstPoll;
let onScreen = true;
let stopped = false;
const visible = () => !stopped && onScreen && document.visibilityState === "visible";

function schedule(reset = false): void {
  clearTimeout(timer);
  if (reset) interval = firstPoll;
  const on = visible() && source !== undefined;
  // Shown on the page, so that whoever looks (a test, devtools) can tell whether the board is refreshing.
  document.documentElement.dataset.refresh = on ? "on" : "off";
  if (!on) return;
  timer = setTimeout(async () => {
    await refresh();
    interval = Math.min(interval * 1.5, maxPoll);
    schedule();
  }, interval);
}

document.addEventListener("visibilitychange", () => schedule(true));
new IntersectionObserver(([entry]) => {
  onScreen = entry?.isIntersecting ?? true;
  schedule(true);
}).observe(document.body);

async function act(button: HTMLButtonElement, tool: string, args: Record<string, unknown>): Promise<unknown> {
  button.disabled = true;
  say("");
  try {
    const value = await call(tool, args);
    merge(rowsOf(value));
    render();
    schedule(true);
    return value;
  } finally {
    button.disabled = false;
  }
}

ui.pause.addEventListener("click", () => void act(ui.pause, "coder_pause_task", { task_id: selected }));
ui.resume.addEventListener("click", () => void act(ui.resume, "coder_resume_task", { task_id: selected }));
async function send(): Promise<void> {
  const input = ui.input.value;
  if (input.trim() === "") return;
  if (await act(ui.sendButton, "coder_send_task_input", { task_id: selected, input })) {
    ui.input.value = "";
    await loadLog();
  }
}
ui.sendButton.addEventListener("click", () => void send());
ui.input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void send();
});
ui.remove.addEventListener("click", () => {
  const row = current();
  if (!row) return;
  ui.confirmText.textContent = `Delete task ${row.owner}/${row.name} and its workspace? This cannot be undone.`;
  // Escape closes the dialog without touching returnValue: clear it, or the last answer would count again.
  ui.confirm.returnValue = "";
  ui.confirm.showModal();
});
ui.confirmCancel.addEventListener("click", () => ui.confirm.close("cancel"));
ui.confirmDelete.addEventListener("click", () => ui.confirm.close("delete"));
ui.confirm.addEventListener("close", async () => {
  const row = current();
  if (ui.confirm.returnValue !== "delete" || !row) return;
  const value = (await act(ui.remove, "coder_delete_task", { task_id: row.id })) as { deleted?: boolean } | undefined;
  if (value?.deleted) {
    rows = rows.filter((r) => r.id !== row.id);
    selected = undefined;
    render();
  }
});
ui.older.addEventListener("click", () => void loadLog(true));
ui.filter.addEventListener("input", render);
// Arrow keys move between tasks; "/" jumps to the filter.
ui.list.addEventListener("keydown", (event) => {
  const buttons = [...ui.list.querySelectorAll<HTMLButtonElement>("button.task")];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const step = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
  if (step === 0 || at < 0) return;
  event.preventDefault();
  buttons[Math.max(0, Math.min(buttons.length - 1, at + step))]?.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "/" && document.activeElement?.tagName !== "TEXTAREA" && document.activeElement !== ui.filter) {
    event.preventDefault();
    ui.filter.focus();
  }
});

function applyContext(context: McpUiHostContext | undefined): void {
  if (!context) return;
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context.locale) locale = context.locale;
}

app.ontoolinput = ({ arguments: args }) => {
  pendingArgs = args ?? {};
};
app.ontoolresult = (result) => {
  if (result.isError) return say(textOf(result));
  const fresh = rowsOf(result.structuredContent);
  const list = Array.isArray((result.structuredContent as { tasks?: unknown } | undefined)?.tasks);
  if (list) {
    const { user, status, organization } = pendingArgs;
    source = { tool: "coder_list_tasks", args: JSON.parse(JSON.stringify({ user, status, organization })) };
    rows = fresh;
  } else if (fresh[0]) {
    source = { tool: "coder_get_task", args: { task_id: fresh[0].id } };
    rows = fresh;
    select(fresh[0].id);
  }
  render();
  schedule(true);
};
app.onhostcontextchanged = (context) => applyContext({ ...app.getHostContext(), ...context });
app.onteardown = async () => {
  stopped = true;
  schedule();
  return {};
};

app
  .connect()
  .then(() => applyContext(app.getHostContext()))
  .catch((err: Error) => say(`Could not connect to the host: ${err.message}`));
