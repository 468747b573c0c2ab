/** Routing coding tools through Tollgate, subscription windows and the log import: shapes shared with clients. */

export type RoutedToolId = 'claude-code' | 'codex';

export interface RoutingToolStatus {
  tool: RoutedToolId;
  name: string;
  /** The settings file Tollgate edits (~/.claude/settings.json, $CODEX_HOME/config.toml). */
  file: string;
  /**
   * routed: the file points at this Tollgate; not-routed: it does not; changed: Tollgate wrote it and someone changed
   * it since (no more writes or undo); malformed: it cannot be parsed (no writes).
   */
  state: 'routed' | 'not-routed' | 'changed' | 'malformed';
  /** true when Tollgate wrote the file and holds its backup (undo is possible while the state is routed). */
  managed: boolean;
  /** The base URL the file sets now, if any. */
  baseUrl: string | null;
  /** The base URL routing would write (from the running proxy's port). */
  wantedBaseUrl: string | null;
  backup: string | null;
  message: string | null;
}

export interface RoutingStatusDto {
  tools: RoutingToolStatus[];
}

/** One Claude Code five-hour window: from the first message's hour (as ccusage estimates Anthropic's window). */
export interface ClaudeWindowDto {
  start: number;
  end: number;
  lastAt: number;
  costUsd: number;
  tokens: number;
  calls: number;
}

export interface CodexWindowDto {
  usedPercent: number;
  windowMinutes: number | null;
  /** Epoch ms. */
  resetsAt: number | null;
}

/** The latest rate-limit figures a Codex session log carried. */
export interface CodexRateLimitsDto {
  at: number;
  limitId: string | null;
  planType: string | null;
  primary: CodexWindowDto | null;
  secondary: CodexWindowDto | null;
}

export interface SubscriptionWindowsDto {
  now: number;
  claude: {
    /** The window running now, or null. */
    current: (ClaudeWindowDto & { timeLeftMs: number; percent: number | null }) | null;
    /** The windows of the last seven days, newest first. */
    recent: ClaudeWindowDto[];
    /** The last seven days, rolling. */
    week: { costUsd: number; tokens: number; calls: number };
    /** The user's limit for one window (Anthropic does not publish it), in API-priced dollars. */
    limitUsd: number | null;
    /** The largest window seen so far: offered as the limit. */
    suggestedLimitUsd: number | null;
  };
  codex: CodexRateLimitsDto | null;
}
