// Memory of a child process from /proc (Linux): what the OS charges the server, not what V8 reports inside it.
import { readFileSync } from "node:fs";

/** VmRSS (now) or VmHWM (peak since start) of `pid`, in MiB; NaN if the process is gone or /proc is missing. */
export function procMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}
