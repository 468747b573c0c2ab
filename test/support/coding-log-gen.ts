/**
 * Claude Code transcripts in bulk, for the import scale tests: a session file per few megabytes under
 * `<root>/projects/<project>/<session>.jsonl`, lines in the documented 2.1 format (CODING-TOOLS.md §1a), a user line
 * before each reply and every fifth reply written twice (as a streamed multi-block reply is). Files are built in
 * memory and written in one call each: a gigabyte takes seconds, not minutes.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface GeneratedLogs {
  files: number;
  lines: number;
  bytes: number;
  /** Distinct calls: what the import must record. */
  calls: number;
  outputTokens: number;
}

const FILLER = 'Reading the file and planning the change step by step. '.repeat(8);

export function generateClaudeLogs(root: string, opts: { bytes: number; fileBytes?: number; now: number; days?: number }): GeneratedLogs {
  const fileBytes = opts.fileBytes ?? 5 * 1024 * 1024;
  const spanMs = (opts.days ?? 29) * 24 * 3600_000;
  const out: GeneratedLogs = { files: 0, lines: 0, bytes: 0, calls: 0, outputTokens: 0 };
  let call = 0;
  while (out.bytes < opts.bytes) {
    const f = out.files++;
    const project = `/home/u/proj-${f % 20}`;
    const session = `${f.toString(16).padStart(8, '0')}-5e55-4000-8000-000000000000`;
    const dir = path.join(root, 'projects', project.replace(/\//g, '-'));
    fs.mkdirSync(dir, { recursive: true });
    const parts: string[] = [];
    let size = 0;
    // Each file covers its own stretch of the month (at most 42 hours of calls, 30 s apart), never the future.
    const t0 = opts.now - spanMs + (((f * 7919) % 1000) / 1000) * (spanMs - 2 * 24 * 3600_000);
    while (size < fileBytes && out.bytes + size < opts.bytes) {
      const ts = new Date(t0 + (call % 5000) * 30_000).toISOString();
      const user = `{"parentUuid":"p","isSidechain":false,"type":"user","message":{"role":"user","content":"${FILLER}"},"uuid":"u${call}","timestamp":"${ts}","cwd":"${project}","sessionId":"${session}","version":"2.1.197"}\n`;
      const output = 40 + (call % 400);
      const reply = `{"parentUuid":"p","isSidechain":false,"message":{"id":"msg_${call.toString(36).padStart(10, '0')}","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"${FILLER}"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":${900 + (call % 100)},"cache_creation_input_tokens":100,"cache_read_input_tokens":5000,"output_tokens":${output},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":100},"inference_geo":"","iterations":[],"speed":"standard"},"stop_details":null},"requestId":"req_${call.toString(36).padStart(10, '0')}","type":"assistant","uuid":"a${call}","timestamp":"${ts}","userType":"external","entrypoint":"cli","cwd":"${project}","sessionId":"${session}","version":"2.1.197","gitBranch":"main"}\n`;
      parts.push(user, reply);
      size += user.length + reply.length;
      out.lines += 2;
      if (call % 5 === 0) {
        parts.push(reply);
        size += reply.length;
        out.lines++;
      }
      out.calls++;
      out.outputTokens += output;
      call++;
    }
    fs.writeFileSync(path.join(dir, `${session}.jsonl`), parts.join(''));
    out.bytes += size;
  }
  return out;
}
