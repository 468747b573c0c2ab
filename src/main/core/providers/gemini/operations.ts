import { isObject, str } from '../../util/json.js';
import { boundedModel, callInfo, emptyMetered, positiveInt } from '../shared.js';
import { createTextCounter, objectValue, stringValue } from '../stream-scan.js';
import type { MeteredUsage, Operation } from '../types.js';
import { geminiErrorBody } from './errors.js';
import { candidateText, geminiUsage } from './usage.js';

/** `/v1beta/models/gemini-2.5-flash:generateContent` → model and method. */
// Case-insensitive, with an optional trailing slash: a spelling an upstream might serve is metered, not passed through.
export const GEMINI_PATH = /^\/(v1(?:alpha|beta)?)\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)\/*$/i;

export function modelFromPath(path: string): string | null {
  const m = GEMINI_PATH.exec(path);
  if (!m) return null;
  const name = m[2]!.replace(/^(models|tunedModels)\//i, '');
  try {
    return boundedModel(decodeURIComponent(name));
  } catch {
    return boundedModel(name); // a malformed escape: recorded as sent rather than thrown on
  }
}

function absorb(m: MeteredUsage, chunk: unknown) {
  if (!isObject(chunk)) return;
  m.responseModel = str(chunk.modelVersion) ?? m.responseModel;
  const { chars, finished } = candidateText(chunk.candidates);
  m.textChars += chars;
  if (isObject(chunk.usageMetadata)) {
    m.usage = geminiUsage(chunk.usageMetadata);
    if (finished) m.complete = true;
  }
}

const partTextChars = createTextCounter(['text']);

function generate(stream: boolean): Operation {
  return {
    name: stream ? 'streamGenerateContent' : 'generateContent',
    metered: true,
    jsonBody: true,
    // Without alt=sse the stream is one JSON array; with it, the text/event-stream content-type selects SSE.
    framing: 'json-array',
    inspect(body, path) {
      const gc = isObject(body?.generationConfig) ? body.generationConfig : {};
      return callInfo(modelFromPath(path), stream, positiveInt(gc.maxOutputTokens), () => [body?.systemInstruction, body?.contents, body?.tools]);
    },
    prepare: () => ({ changed: false, injectedUsage: false }),
    usageFromBody(json) {
      const m = emptyMetered();
      // Without alt=sse a stream is one JSON array of chunks.
      for (const chunk of Array.isArray(json) ? json : [json]) absorb(m, chunk);
      if (m.usage && !Array.isArray(json)) m.complete = true;
      return m;
    },
    createStreamMeter() {
      const m = emptyMetered();
      return {
        onEvent(_event, data, raw) {
          // Every chunk carries running usage totals, so only the small usageMetadata object is parsed; the text
          // is measured by a scan (stream-scan.ts).
          m.responseModel ??= stringValue(data, 'modelVersion');
          m.textChars += partTextChars(data);
          const usage = objectValue(data, 'usageMetadata');
          if (usage) {
            m.usage = geminiUsage(usage);
            if (data.includes('"finishReason"')) m.complete = true;
          }
          return raw;
        },
        result: () => m,
      };
    },
    streamErrorFrame: (message) => `data: ${geminiErrorBody(402, 'budget_exceeded', message)}\n\n`,
    setModel(_body, model, path) {
      const m = GEMINI_PATH.exec(path);
      if (!m) return { body: false, path };
      return { body: false, path: `/${m[1]}/models/${encodeURIComponent(model)}:${m[3]}` };
    },
    clampOutput(body, max) {
      if (!body) return false;
      const gc = isObject(body.generationConfig) ? body.generationConfig : {};
      if (typeof gc.maxOutputTokens === 'number' && gc.maxOutputTokens <= max) return false;
      body.generationConfig = { ...gc, maxOutputTokens: max };
      return true;
    },
  };
}

/** embedContent / batchEmbedContents: usage is rarely reported, so input is estimated from the text. */
function embed(name: string): Operation {
  return {
    name,
    metered: true,
    jsonBody: true,
    inspect: (body, path) => callInfo(modelFromPath(path), false, 0, () => [body?.content, body?.requests]),
    prepare: () => ({ changed: false, injectedUsage: false }),
    usageFromBody(json) {
      const m = emptyMetered();
      if (isObject(json) && isObject(json.usageMetadata)) {
        m.usage = { ...geminiUsage(json.usageMetadata), outputTokens: 0 };
        m.complete = true;
      }
      return m;
    },
    createStreamMeter: () => ({ onEvent: (_e, _d, raw) => raw, result: emptyMetered }),
    streamErrorFrame: () => null,
    setModel(_body, model, path) {
      const m = GEMINI_PATH.exec(path);
      return m ? { body: false, path: `/${m[1]}/models/${encodeURIComponent(model)}:${m[3]}` } : { body: false, path };
    },
    clampOutput: () => false,
  };
}

export function createGeminiRoutes(): (method: string, path: string) => Operation | null {
  const ops = new Map<string, Operation>([
    ['generatecontent', generate(false)],
    ['streamgeneratecontent', generate(true)],
    ['embedcontent', embed('embedContent')],
    ['batchembedcontents', embed('batchEmbedContents')],
  ]);
  return (method, path) => {
    if (method !== 'POST') return null;
    const m = GEMINI_PATH.exec(path);
    return m ? (ops.get(m[3]!.toLowerCase()) ?? null) : null;
  };
}
