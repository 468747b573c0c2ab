/**
 * A provider that exists only in the test suite, to show what a new provider costs: this one folder and one
 * registry line (`extraProviders` in createCore). It is shaped like AWS Bedrock: the model in the path, requests
 * signed with the real secret (HMAC here, standing in for SigV4), and streams in AWS's binary event-stream framing.
 */
import { createHash, createHmac } from 'node:crypto';
import { credentialOf, headerValue } from '../../../src/main/core/providers/auth.js';
import type { BuiltinProvider } from '../../../src/main/core/providers/index.js';
import { emptyMetered } from '../../../src/main/core/providers/shared.js';
import type { MeteredUsage, Operation, ProviderModule, UpstreamRequest } from '../../../src/main/core/providers/types.js';
import { isObject } from '../../../src/main/core/util/json.js';

/** A secret the provider refuses to sign with, standing in for an expired credential. */
export const REVOKED_UPSTREAM = 'expired-credential';

const PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;

/** What the signature covers: method, path and the exact body bytes. */
export function signature(secret: string, method: string, path: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${method}\n${path}\n${bodyHash}`).digest('hex');
}

function usageOf(u: unknown): MeteredUsage['usage'] {
  if (!isObject(u)) return null;
  return { inputTokens: Number(u.inputTokens) || 0, outputTokens: Number(u.outputTokens) || 0 };
}

function operation(stream: boolean): Operation {
  return {
    name: stream ? 'invokeStream' : 'invoke',
    metered: true,
    jsonBody: true,
    framing: 'aws-event-stream',
    inspect(body, path) {
      const model = PATH.exec(path)?.[1] ?? null;
      return { model, stream, maxOutputTokens: null, promptText: () => String(body?.prompt ?? '') };
    },
    prepare: () => ({ changed: false, injectedUsage: false }),
    usageFromBody(json) {
      const m = emptyMetered();
      if (isObject(json)) {
        m.usage = usageOf(json.usage);
        m.complete = m.usage !== null;
        m.textChars = typeof json.output === 'string' ? json.output.length : 0;
      }
      return m;
    },
    createStreamMeter() {
      const m = emptyMetered();
      return {
        onEvent(event, data, raw) {
          const json: unknown = JSON.parse(data);
          if (event === 'chunk' && isObject(json) && typeof json.text === 'string') m.textChars += json.text.length;
          if (event === 'metadata' && isObject(json)) {
            m.usage = usageOf(json.usage);
            m.complete = m.usage !== null;
          }
          return raw;
        },
        result: () => m,
      };
    },
    streamErrorFrame: () => null,
    setModel: (_body, model, path) => ({ body: false, path: path.replace(PATH, (_all, _m: string, verb: string) => `/model/${model}/${verb}`) }),
    clampOutput: () => false,
  };
}

export function createSignedProvider(baseUrl: string): ProviderModule {
  const invoke = operation(false);
  const invokeStream = operation(true);
  return {
    id: 'signed',
    name: 'Signed Example',
    pricingProviderId: 'openai',
    free: false,
    baseUrl,
    clientBasePath: '',
    operation: (method, path) => (method !== 'POST' ? null : (PATH.exec(path)?.[2] === 'invoke' ? invoke : PATH.test(path) ? invokeStream : null)),
    credential: (headers) => credentialOf(headerValue(headers, 'x-signed-key')),
    async authorize(req: UpstreamRequest, secret) {
      if (secret === null) return;
      // Stands in for minting a short-lived credential: the signature is computed after a real asynchronous wait.
      await new Promise((resolve) => setImmediate(resolve));
      if (secret === REVOKED_UPSTREAM) throw new Error('the signing credential has expired');
      delete req.headers['x-signed-key'];
      req.headers['x-signature'] = signature(secret, req.method, req.path, req.body ?? Buffer.alloc(0));
    },
    errorBody: (_status, kind, message) => JSON.stringify({ message, kind }),
  };
}

/** The one registry line. */
export const signedProviderEntry = (defaultBaseUrl: string): BuiltinProvider => ({
  id: 'signed',
  name: 'Signed Example',
  defaultBaseUrl,
  create: createSignedProvider,
  tokenizerMargin: 1.35,
  degradeDefaults: {},
});
