// How much of one log entry a result shows: enough for an agent's answer, while one huge entry (a pasted file, a
// screen dump) cannot crowd out the others. Longer entries are cut in the middle (log-window.ts).
export const LOG_ENTRY_MAX_CHARS = 4000;
