/** The tool's version, recorded in run history. */
export const TOOL_VERSION = '0.1.0';
