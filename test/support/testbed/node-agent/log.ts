/** The agent's logger: a fixed message plus fields, appended to the agent's log file by the bed. */
export type Log = (msg: string, fields?: Record<string, unknown>) => void;
