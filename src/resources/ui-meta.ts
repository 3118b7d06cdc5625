// Where the task board (an MCP Apps view, extension io.modelcontextprotocol/ui) lives, as the tools name it.
export const BOARD_URI = "ui://coder-tasks/board.html";

/** A tool's _meta that names the board: the current key and the legacy flat one, which older hosts read. */
export const BOARD_TOOL_META = { ui: { resourceUri: BOARD_URI }, "ui/resourceUri": BOARD_URI };
