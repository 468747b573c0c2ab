import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Settings } from '../../contract/settings.js';
import type { RequestFlag, RequestRecord, TokenUsage } from '../../contract/usage.js';
import type { KeyRing, ResolvedKey } from '../keys/key-ring.js';
import type { Pricer, PricingTarget, PriceQuote } from '../pricing/pricer.js';
import type { ProviderRoute } from '../providers/registry.js';
import type { CallInfo, MeteredUsage, Operation, PreparedCall, ProviderModule } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import { isObject, type JsonObject } from '../util/json.js';
import type { Logger } from '../util/log.js';
import { NOOP_TICKET, type Admission, type AdmissionTicket } from './admission.js';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './body.js';
import { clientResponseHeaders, singleHeader, upstreamRequestHeaders } from './headers.js';
import { priceUsage, settleUsage } from './outcome.js';
import { sendProviderError } from './respond.js';
import { createSseFilter, createSseTap } from './sse.js';

export interface ProxyDeps {
  keys: KeyRing;
  pricer: Pricer;
  admission: () => Admission;
  settings: () => Settings;
  clock: Clock;
  nextId: () => string;
  record: (r: RequestRecord) => void;
  log: Logger;
  /** Bound beyond loopback: only wrapped Tollgate keys may use the proxy. */
  requireTollgateKey: () => boolean;
  bodyIdleTimeoutMs?: number;
}

interface Identity {
  id: string;
  label: string;
  project: string | null;
  owner: string | null;
  subscription: boolean;
  /** The real key to send upstream, for wrapped keys. */
  secret: (() => string) | null;
}

const ANONYMOUS: Identity = { id: 'anonymous', label: 'no key', project: null, owner: null, subscription: false, secret: null };

/** A request as it arrived, before its body is read. */
interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  route: ProviderRoute;
  rest: string;
  query: URLSearchParams;
  rawQuery: string;
  ident: Identity;
  id: string;
  started: number;
  t0: number;
}

/** Everything one metered call carries from admission to its ledger record. */
interface Call {
  id: string;
  started: number;
  t0: number;
  route: ProviderRoute;
  provider: ProviderModule;
  op: Operation;
  info: CallInfo;
  prepared: PreparedCall;
  model: string;
  ident: Identity;
  project: string | null;
  user: string | null;
  run: string | null;
  pricing: PricingTarget;
  flags: RequestFlag[];
  ticket: AdmissionTicket;
  extraHeaders: Record<string, string>;
  note: string | undefined;
  status: number;
  ttfbMs: number | null;
  done: boolean;
}

class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`upstream sent nothing for ${Math.round(ms / 1000)} s`);
  }
}

function unreachableMessage(provider: ProviderModule, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
    return `Could not reach ${provider.name} at ${provider.baseUrl} (${code}).`;
  }
  return `The connection to ${provider.name} failed before it answered (${code ?? err.message}).`;
}

function identityOf(k: ResolvedKey): Identity {
  return k.kind === 'wrapped'
    ? { id: k.id, label: k.label, project: k.project, owner: k.owner, subscription: k.subscription, secret: k.secret }
    : { id: k.id, label: k.label, project: null, owner: null, subscription: k.subscription, secret: null };
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding) {
    case undefined:
    case 'identity':
      return body;
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

/**
 * The proxy's request path: identify the key, read and inspect the body, ask the budget engine, forward, and
 * meter the answer beside the pipe. Bytes reach the client as they arrive; the ledger write happens after.
 */
export function createForwarder(deps: ProxyDeps) {
  function fail(res: ServerResponse, provider: ProviderModule, status: number, kind: Parameters<ProviderModule['errorBody']>[1], message: string, id: string) {
    sendProviderError(res, provider, status, kind, message, { 'x-tollgate-request-id': id });
  }

  function handle(req: IncomingMessage, res: ServerResponse, route: ProviderRoute, rest: string, rawQuery: string): void {
    const started = deps.clock.now();
    const t0 = performance.now();
    const id = deps.nextId();
    const { provider } = route;
    const query = new URLSearchParams(rawQuery);
    const method = req.method ?? 'GET';

    let ident = ANONYMOUS;
    const cred = provider.credential(req.headers, query);
    if (cred) {
      const k = deps.keys.identify(cred.value, provider.id, cred.kind === 'subscription', started);
      if (!k) return fail(res, provider, 401, 'authentication', 'Unknown Tollgate key. Create one in the Tollgate dashboard, or send your provider key to pass through.', id);
      if (k.kind === 'wrapped' && k.revoked) return fail(res, provider, 401, 'authentication', `The Tollgate key ${k.label} has been revoked.`, id);
      if (k.kind === 'wrapped' && k.provider !== provider.id) {
        return fail(res, provider, 403, 'permission', `The Tollgate key ${k.label} is for ${k.provider}; it cannot be used on ${route.prefix}/ routes.`, id);
      }
      ident = identityOf(k);
    }
    if (ident.secret === null && deps.requireTollgateKey()) {
      return fail(res, provider, 401, 'authentication', 'This Tollgate listens beyond loopback, so every request must present a Tollgate key (tg_…) instead of a provider key.', id);
    }

    const op = provider.operation(method, rest);
    if (!op || !op.metered) return passThrough(req, res, route, rest, query, rawQuery, ident, id);

    const settings = deps.settings();
    readBody(req, settings.bodyLimitBytes, (err, body) => {
      if (err) {
        if (err instanceof BodyTooLargeError) {
          // Tell the client to stop sending; reading the rest of an oversize body only wastes time.
          res.setHeader('connection', 'close');
          return fail(res, provider, 413, 'too_large', `The request body is larger than Tollgate's limit of ${settings.bodyLimitBytes} bytes (setting bodyLimitBytes).`, id);
        }
        if (err instanceof BodyTimeoutError) {
          res.setHeader('connection', 'close');
          return fail(res, provider, 408, 'invalid_request', `The request body stopped arriving (${err.message}).`, id);
        }
        return res.destroy();
      }
      let json: JsonObject | null = null;
      if (op.jsonBody) {
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8'));
          if (!isObject(parsed)) return fail(res, provider, 400, 'invalid_request', 'The request body must be a JSON object.', id);
          json = parsed as JsonObject;
        } catch (e) {
          return fail(res, provider, 400, 'invalid_request', `The request body is not valid JSON: ${(e as Error).message}`, id);
        }
      }
      const info = op.inspect(json, rest, query);
      if (!info.model) return fail(res, provider, 400, 'invalid_request', 'The request does not name a model ("model" is missing).', id);
      metered({ req, res, route, rest, query, rawQuery, ident, id, started, t0 }, op, json, body, info);
    }, deps.bodyIdleTimeoutMs);
  }

  function metered(p: Incoming, op: Operation, json: JsonObject | null, body: Buffer, info: CallInfo) {
    const { req, res, route, rest, query, rawQuery, ident, id, started, t0 } = p;
    const { provider } = route;
    const prepared = op.prepare(json, info, query);
    let changed = prepared.changed;
    let path = rest;
    const flags: RequestFlag[] = [];
    if (ident.subscription) flags.push('subscription');
    const call: Call = {
      id,
      started,
      t0,
      route,
      provider,
      op,
      info,
      prepared,
      model: info.model!,
      ident,
      project: singleHeader(req.headers, 'x-tollgate-project') ?? ident.project,
      user: singleHeader(req.headers, 'x-tollgate-user') ?? ident.owner,
      run: singleHeader(req.headers, 'x-tollgate-run'),
      pricing: { routeId: provider.id, pricingProviderId: provider.pricingProviderId, free: provider.free },
      flags,
      ticket: NOOP_TICKET,
      extraHeaders: { 'x-tollgate-request-id': id },
      note: undefined,
      status: 0,
      ttfbMs: null,
      done: false,
    };

    const decision = deps.admission().admit({
      requestId: id,
      ts: started,
      provider: provider.id,
      pricing: call.pricing,
      operation: op.name,
      model: call.model,
      keyId: ident.id,
      project: call.project,
      user: call.user,
      run: call.run,
      call: info,
      bodyBytes: body.length,
      tokenizerMargin: provider.tokenizerMargin,
    });
    if (!decision.ok) {
      sendProviderError(res, provider, decision.status, decision.kind, decision.message, { ...decision.headers, 'x-tollgate-request-id': id });
      flags.push('blocked');
      call.status = decision.status;
      call.note = decision.note;
      commit(call, null, true);
      return;
    }
    call.ticket = decision.ticket;
    Object.assign(call.extraHeaders, decision.headers);
    if (decision.model && decision.model !== call.model) {
      const r = op.setModel(json, decision.model, path);
      changed ||= r.body;
      path = r.path;
      flags.push('degraded');
      call.note = `degraded from ${call.model}`;
      call.extraHeaders['x-tollgate-degraded'] = `${call.model} -> ${decision.model}`;
      call.model = decision.model;
    }
    if (decision.maxOutputTokens !== undefined && op.clampOutput(json, decision.maxOutputTokens)) {
      changed = true;
      flags.push('clamped');
      const from = info.maxOutputTokens === null ? 'unset' : String(info.maxOutputTokens);
      call.extraHeaders['x-tollgate-clamped-max-tokens'] = String(decision.maxOutputTokens);
      call.extraHeaders['x-tollgate-clamped-from'] = from;
      call.note = `${call.note ? `${call.note}; ` : ''}max output tokens clamped from ${from} to ${decision.maxOutputTokens}`;
    }
    const payload = changed ? Buffer.from(JSON.stringify(json)) : body;

    const headers = upstreamRequestHeaders(req.headers, true);
    let qs = rawQuery;
    if (ident.secret) {
      provider.setCredential(headers, query, ident.secret());
      qs = query.toString();
    }
    headers['content-length'] = String(payload.length);
    const up = route.upstream;
    const upReq = (up.protocol === 'https:' ? https : http).request({
      protocol: up.protocol,
      hostname: up.hostname,
      port: up.port,
      method: req.method,
      path: up.basePath + path + (qs ? `?${qs}` : ''),
      headers: { ...headers, host: up.hostHeader },
      agent: up.agent,
    });
    const idleMs = deps.settings().upstreamIdleTimeoutMs;
    upReq.setTimeout(idleMs, () => upReq.destroy(new UpstreamTimeoutError(idleMs)));

    let responded = false;
    upReq.on('response', (upRes) => {
      responded = true;
      call.ttfbMs = Math.round(performance.now() - t0);
      call.status = upRes.statusCode ?? 502;
      upRes.on('error', () => {}); // 'close' with complete=false carries the failure
      const ct = upRes.headers['content-type'] ?? '';
      if (ct.includes('text/event-stream')) streamSse(call, res, upReq, upRes);
      else if (info.stream && call.status < 400) streamOther(call, res, upRes);
      else buffered(call, res, upRes);
    });
    upReq.on('error', (err) => {
      if (responded) return; // the response's own close handler records it
      const timeout = err instanceof UpstreamTimeoutError;
      const status = timeout ? 504 : 502;
      const message = timeout ? `The ${provider.name} upstream did not answer in time (${err.message}).` : unreachableMessage(provider, err);
      if (!call.done) {
        sendProviderError(res, provider, status, timeout ? 'upstream_timeout' : 'upstream_unreachable', message, call.extraHeaders);
        call.status = status;
        call.flags.push('error');
        call.note = message;
        commit(call, null, true);
      }
    });
    res.on('close', () => {
      if (call.done || res.writableFinished) return;
      // The client went away: stop paying for an answer nobody reads.
      call.flags.push('partial');
      upReq.destroy();
      commit(call, meterOf(call), false);
    });
    upReq.end(payload);
  }

  const meters = new WeakMap<Call, { result(): MeteredUsage }>();
  const meterOf = (call: Call) => meters.get(call)?.result() ?? null;

  /** Non-streamed answers: whole bodies, so the cost can go in a header before the body. */
  function buffered(call: Call, res: ServerResponse, upRes: IncomingMessage) {
    const chunks: Buffer[] = [];
    upRes.on('data', (c: Buffer) => chunks.push(c));
    upRes.on('end', () => {
      if (call.done) return;
      const body = Buffer.concat(chunks);
      let m: MeteredUsage | null = null;
      if (call.status < 400) {
        try {
          m = call.op.usageFromBody(JSON.parse(decodeBody(body, upRes.headers['content-encoding'] as string | undefined).toString('utf8')));
        } catch {
          m = null; // not JSON: recorded with estimated usage below
        }
      } else call.flags.push('error');
      const outcome = evaluate(call, m, call.status >= 400);
      const headers = clientResponseHeaders(upRes.headers);
      Object.assign(headers, call.extraHeaders);
      if (outcome.quote.costUsd !== null) headers['x-tollgate-cost-usd'] = outcome.quote.costUsd.toFixed(9);
      else if (call.flags.includes('unpriced')) headers['x-tollgate-unpriced'] = 'true';
      headers['content-length'] = body.length;
      res.writeHead(call.status, headers);
      res.end(body);
      finish(call, m, outcome);
    });
    upRes.on('close', () => {
      if (!upRes.complete && !call.done) upstreamBroke(call, res);
    });
  }

  /** SSE: each chunk goes to the client as it arrives; a parser reads a copy for usage. */
  function streamSse(call: Call, res: ServerResponse, upReq: http.ClientRequest, upRes: IncomingMessage) {
    const headers = clientResponseHeaders(upRes.headers);
    Object.assign(headers, call.extraHeaders);
    if (call.prepared.injectedUsage) delete headers['content-length'];
    res.writeHead(call.status, headers);
    res.flushHeaders();
    const meter = call.op.createStreamMeter(call.prepared);
    meters.set(call, meter);
    const write = (data: Buffer | string) => {
      // A cut-off may end the response in the middle of a chunk's frames.
      if (res.writableEnded) return;
      if (!res.write(data)) {
        upRes.pause();
        res.once('drain', () => upRes.resume());
      }
    };
    const onEvent = () => {
      if (call.done) return;
      const message = call.ticket.progress(meter.result());
      if (message) cutOff(call, res, upReq, message);
    };
    if (call.prepared.injectedUsage) {
      const filter = createSseFilter(meter, write, onEvent);
      upRes.on('data', (c: Buffer) => {
        if (!call.done) filter.push(c);
      });
      upRes.on('end', () => {
        if (call.done) return;
        filter.flush();
        res.end();
        commit(call, meter.result(), call.status >= 400);
      });
    } else {
      const tap = createSseTap(meter, onEvent);
      upRes.on('data', (c: Buffer) => {
        if (call.done) return;
        write(c);
        tap.push(c);
      });
      upRes.on('end', () => {
        if (call.done) return;
        res.end();
        commit(call, meter.result(), call.status >= 400);
      });
    }
    upRes.on('close', () => {
      if (!upRes.complete && !call.done) upstreamBroke(call, res);
    });
  }

  /** A stream that is not SSE (Gemini without alt=sse sends one JSON array): passed through, read at the end. */
  function streamOther(call: Call, res: ServerResponse, upRes: IncomingMessage) {
    const headers = clientResponseHeaders(upRes.headers);
    Object.assign(headers, call.extraHeaders);
    res.writeHead(call.status, headers);
    res.flushHeaders();
    const copy: Buffer[] = [];
    let size = 0;
    const limit = deps.settings().bodyLimitBytes;
    upRes.on('data', (c: Buffer) => {
      if (call.done) return;
      if (!res.write(c)) {
        upRes.pause();
        res.once('drain', () => upRes.resume());
      }
      size += c.length;
      if (size <= limit) copy.push(c);
    });
    const parse = () => {
      try {
        return call.op.usageFromBody(JSON.parse(Buffer.concat(copy).toString('utf8')));
      } catch {
        return null;
      }
    };
    upRes.on('end', () => {
      if (call.done) return;
      res.end();
      commit(call, parse(), false);
    });
    upRes.on('close', () => {
      if (!upRes.complete && !call.done) upstreamBroke(call, res);
    });
  }

  function upstreamBroke(call: Call, res: ServerResponse) {
    call.flags.push('partial');
    call.note = 'the upstream connection broke mid-response';
    commit(call, meterOf(call), false);
    // The client sees the break as it would have going direct, not a clean end that looks complete.
    res.destroy();
  }

  function cutOff(call: Call, res: ServerResponse, upReq: http.ClientRequest, message: string) {
    call.flags.push('cut-off');
    call.note = message;
    const frame = call.op.streamErrorFrame(message);
    commit(call, meterOf(call), false);
    upReq.destroy();
    if (frame) res.end(frame);
    else res.end();
  }

  function evaluate(call: Call, m: MeteredUsage | null, upstreamError: boolean): { usage: TokenUsage; quote: PriceQuote } {
    const usage = settleUsage(m, call.info, upstreamError, call.flags);
    const quote = priceUsage(deps.pricer, call.pricing, call.model, usage, call.started, m?.reportedCostUsd ?? null, call.flags);
    return { usage, quote };
  }

  function commit(call: Call, m: MeteredUsage | null, upstreamError: boolean) {
    if (call.done) return;
    finish(call, m, evaluate(call, m, upstreamError));
  }

  function finish(call: Call, m: MeteredUsage | null, outcome: { usage: TokenUsage; quote: PriceQuote }) {
    if (call.done) return;
    call.done = true;
    if (call.status >= 400 && !call.flags.includes('error') && !call.flags.includes('blocked')) call.flags.push('error');
    const record: RequestRecord = {
      id: call.id,
      ts: call.started,
      durationMs: Math.round(performance.now() - call.t0),
      ttfbMs: call.ttfbMs,
      provider: call.provider.id,
      operation: call.op.name,
      model: call.model,
      responseModel: m?.responseModel ?? null,
      keyId: call.ident.id,
      keyLabel: call.ident.label,
      project: call.project,
      user: call.user,
      run: call.run,
      status: call.status,
      stream: call.info.stream,
      usage: outcome.usage,
      costUsd: outcome.quote.costUsd,
      pricedModel: outcome.quote.pricedModel,
      priceSource: outcome.quote.source,
      flags: call.flags,
      ...(call.note ? { note: call.note } : {}),
    };
    try {
      if (call.flags.includes('blocked')) call.ticket.release();
      else call.ticket.settle(record);
    } catch (err) {
      deps.log.error('budget settle failed', { error: (err as Error).message });
    }
    deps.record(record);
  }

  /** Unmetered paths (model lists, files, count_tokens…): streamed both ways, never buffered, never recorded. */
  function passThrough(req: IncomingMessage, res: ServerResponse, route: ProviderRoute, rest: string, query: URLSearchParams, rawQuery: string, ident: Identity, id: string) {
    const headers = upstreamRequestHeaders(req.headers, false);
    let qs = rawQuery;
    if (ident.secret) {
      route.provider.setCredential(headers, query, ident.secret());
      qs = query.toString();
    }
    if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    const up = route.upstream;
    const upReq = (up.protocol === 'https:' ? https : http).request({
      protocol: up.protocol,
      hostname: up.hostname,
      port: up.port,
      method: req.method,
      path: up.basePath + rest + (qs ? `?${qs}` : ''),
      headers: { ...headers, host: up.hostHeader },
      agent: up.agent,
    });
    const idleMs = deps.settings().upstreamIdleTimeoutMs;
    upReq.setTimeout(idleMs, () => upReq.destroy(new UpstreamTimeoutError(idleMs)));
    upReq.on('response', (upRes) => {
      const h = clientResponseHeaders(upRes.headers);
      h['x-tollgate-request-id'] = id;
      res.writeHead(upRes.statusCode ?? 502, h);
      upRes.pipe(res);
      upRes.on('close', () => {
        if (!upRes.complete) res.destroy();
      });
    });
    upReq.on('error', (err) => {
      if (res.headersSent) return res.destroy();
      const timeout = err instanceof UpstreamTimeoutError;
      sendProviderError(
        res,
        route.provider,
        timeout ? 504 : 502,
        timeout ? 'upstream_timeout' : 'upstream_unreachable',
        timeout ? `The ${route.provider.name} upstream did not answer in time.` : unreachableMessage(route.provider, err),
        { 'x-tollgate-request-id': id },
      );
    });
    res.on('close', () => {
      if (!res.writableFinished) upReq.destroy();
    });
    req.pipe(upReq);
  }

  return { handle };
}
