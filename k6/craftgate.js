// Craftgate request signing and callback/webhook verification for k6
// scripts, using only k6's built-in modules (k6/crypto, k6/encoding).
//
//   import http from 'k6/http';
//   import { signedHeaders } from './craftgate.js';
//
//   const creds = { apiKey: __ENV.CRAFTGATE_API_KEY, secretKey: __ENV.CRAFTGATE_SECRET_KEY };
//   const url = 'https://sandbox-api.craftgate.io/payment/v1/card-payments';
//   const body = JSON.stringify(payment);
//   http.post(url, body, { headers: signedHeaders(url, body, creds) });
//
// The algorithms are Craftgate's (https://developer.craftgate.io/):
//   x-signature        base64(SHA-256(url + apiKey + secretKey + rnd + body))
//   callback hash v1   hex(SHA-256(key###status###completeStatus###paymentId###conversationData###conversationId###callbackStatus))
//   callback hash v2   hex(SHA-256(key + the values of the fields named in hashParams)),
//                      accepted only when hashParams names every field the merchant acts on
//   x-cg-signature-v1  base64(HMAC-SHA256(webhookKey, eventType + eventTimestamp + status + payloadId))
// They are the same as gatecheck's Go client (craftgate/sign.go,
// craftgate/verify.go) and are tested against the same known-answer vectors.

import crypto from 'k6/crypto';
import encoding from 'k6/encoding';

/** The x-auth-version header value of a signed request. */
export const AUTH_VERSION = 'v1';

/** The header that carries a webhook's signature. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-cg-signature-v1';

// The v1 callback hash fields after the key, in order. APM callbacks use the
// same seven-part formula (the APM page's own example hash is reproduced by
// it, not by the shorter formula in its prose).
const CALLBACK_V1_FIELDS = ['status', 'completeStatus', 'paymentId', 'conversationData', 'conversationId', 'callbackStatus'];

function hasBody(body) {
  if (body === undefined || body === null) {
    return false;
  }
  return typeof body === 'string' ? body.length > 0 : body.byteLength > 0;
}

/**
 * The form of a request URL that is signed: the full URL percent-decoded,
 * with '+' kept as '+' (what Craftgate's Node and .NET clients sign and what
 * a strict server checks). A URL whose escapes are malformed, or decode to
 * bytes that are not UTF-8, is signed as it is.
 */
export function signableUrl(rawUrl) {
  if (rawUrl.indexOf('%') < 0) {
    return rawUrl;
  }
  try {
    return decodeURIComponent(rawUrl);
  } catch (e) {
    return rawUrl;
  }
}

/**
 * The x-signature of a request: base64(SHA-256(url + apiKey + secretKey +
 * rnd + body)). url is hashed as given (pass signableUrl(u) for the form
 * Craftgate checks); body is the exact string or bytes sent, or nothing.
 */
export function signature(url, apiKey, secretKey, rnd, body) {
  const h = crypto.createHash('sha256');
  h.update(url + apiKey + secretKey + rnd);
  if (hasBody(body)) {
    h.update(body);
  }
  return encoding.b64encode(h.digest('binary'), 'std');
}

/** A fresh x-rnd-key: 16 hex digits from k6's cryptographic random source. */
export function nonce() {
  const bytes = new Uint8Array(crypto.randomBytes(8));
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  }
  return out;
}

/**
 * The headers of a signed Craftgate request to url with body (a string or
 * ArrayBuffer, exactly as sent; omit it for GET and DELETE). credentials is
 * { apiKey, secretKey }; rnd is the x-rnd-key (default: nonce()).
 */
export function signedHeaders(url, body, credentials, rnd) {
  const key = rnd === undefined || rnd === null || rnd === '' ? nonce() : rnd;
  const headers = {
    'x-api-key': credentials.apiKey,
    'x-rnd-key': key,
    'x-auth-version': AUTH_VERSION,
    'x-signature': signature(signableUrl(url), credentials.apiKey, credentials.secretKey, key, body),
    Accept: 'application/json',
  };
  if (hasBody(body)) {
    headers['Content-Type'] = 'application/json';
  }
  return headers;
}

/**
 * Decodes an application/x-www-form-urlencoded body (a 3-D Secure, APM or
 * BNPL callback) into an object of strings; the first of repeated names wins.
 */
export function parseForm(body) {
  const form = {};
  if (!body) {
    return form;
  }
  const pairs = body.split('&');
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i] === '') {
      continue;
    }
    const eq = pairs[i].indexOf('=');
    const name = formDecode(eq < 0 ? pairs[i] : pairs[i].slice(0, eq));
    const value = eq < 0 ? '' : formDecode(pairs[i].slice(eq + 1));
    if (!Object.prototype.hasOwnProperty.call(form, name)) {
      form[name] = value;
    }
  }
  return form;
}

function formDecode(s) {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch (e) {
    return plus;
  }
}

function toForm(form) {
  return typeof form === 'string' ? parseForm(form) : form || {};
}

// field is a form value as a string; absent and null are empty, and of a
// list the first value counts.
function field(form, name) {
  if (!Object.prototype.hasOwnProperty.call(form, name)) {
    return '';
  }
  let v = form[name];
  if (Array.isArray(v)) {
    v = v.length > 0 ? v[0] : '';
  }
  return v === undefined || v === null ? '' : String(v);
}

/**
 * The version 1 callback hash of a 3-D Secure or APM callback form (an
 * object or the urlencoded body): lowercase hex.
 */
export function callbackHashV1(callbackKey, form) {
  const f = toForm(form);
  const parts = [callbackKey];
  for (let i = 0; i < CALLBACK_V1_FIELDS.length; i++) {
    parts.push(field(f, CALLBACK_V1_FIELDS[i]));
  }
  return crypto.sha256(parts.join('###'), 'hex');
}

/**
 * The version 2 (hashParams) callback hash of a 3-D Secure or BNPL callback
 * form: the key followed by the values of the fields that hashParams names
 * (':'-separated), absent ones empty; lowercase hex.
 */
export function callbackHashV2(callbackKey, form) {
  const f = toForm(form);
  const names = field(f, 'hashParams').split(':');
  let text = callbackKey;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== '') {
      text += field(f, names[i]);
    }
  }
  return crypto.sha256(text, 'hex');
}

/** The hash a callback form should carry: v2 when it names hashParams, v1 otherwise. */
export function callbackHash(callbackKey, form) {
  const f = toForm(form);
  return field(f, 'hashParams') !== '' ? callbackHashV2(callbackKey, f) : callbackHashV1(callbackKey, f);
}

// The callback fields a merchant acts on: the outcome (status for 3-D
// Secure, paymentStatus for BNPL), which payment and order it is (paymentId,
// conversationId), whether it still needs completing (completeStatus), the
// bank's verdict (mdStatus) and what to do next (additionalAction). A
// version 2 hash covers only the fields hashParams names and joins their
// values without a separator, so a forger can move a genuine callback's
// signed values into one junk field named alone in hashParams and add any
// status he likes. A version 2 callback is therefore accepted only when
// hashParams names each of these fields the form carries, and names status
// or paymentStatus (the rule of gatecheck's Go verifier, craftgate/verify.go).
const CALLBACK_ACTED_ON = ['status', 'paymentStatus', 'paymentId', 'conversationId', 'completeStatus', 'mdStatus', 'additionalAction'];

// The reasons callbackRefusal gives: the texts of the Go verifier's errors.
const HASH_MISSING = 'craftgate: callback carries no hash';
const HASH_MISMATCH = 'craftgate: callback hash does not match';
const HASH_PARAMS_INCOMPLETE = 'craftgate: callback hashParams leaves a field the merchant acts on unsigned';

// carries is whether the form has the field at all, even empty.
function carries(form, name) {
  return Object.prototype.hasOwnProperty.call(form, name) && form[name] !== undefined;
}

/**
 * Why a callback form is refused, or null when it verifies: its hash is
 * missing or wrong for callbackKey (hex digits compared case-insensitively
 * and in constant time), or, for a version 2 (hashParams) callback, its
 * hashParams leaves a field the merchant acts on unsigned (status,
 * paymentStatus, paymentId, conversationId, completeStatus, mdStatus,
 * additionalAction: each one the form carries must be named) or names
 * neither status nor paymentStatus. The reasons are the texts of gatecheck's
 * Go errors (ErrHashMissing, ErrHashMismatch, ErrHashParamsIncomplete).
 */
export function callbackRefusal(callbackKey, form) {
  const f = toForm(form);
  const got = field(f, 'hash').toLowerCase();
  if (got === '') {
    return HASH_MISSING;
  }
  if (!constantTimeEqual(got, callbackHash(callbackKey, f))) {
    return HASH_MISMATCH;
  }
  const hashParams = field(f, 'hashParams');
  if (hashParams === '') {
    return null;
  }
  const named = hashParams.split(':');
  for (let i = 0; i < CALLBACK_ACTED_ON.length; i++) {
    if (carries(f, CALLBACK_ACTED_ON[i]) && named.indexOf(CALLBACK_ACTED_ON[i]) < 0) {
      return HASH_PARAMS_INCOMPLETE + ': ' + CALLBACK_ACTED_ON[i] + ' is not in hashParams';
    }
  }
  if (named.indexOf('status') < 0 && named.indexOf('paymentStatus') < 0) {
    return HASH_PARAMS_INCOMPLETE + ': hashParams names neither status nor paymentStatus';
  }
  return null;
}

/**
 * Whether a callback form verifies: false for every reason callbackRefusal
 * gives (no hash, a wrong hash, a version 2 hashParams that leaves a field
 * the merchant acts on unsigned), true otherwise.
 */
export function verifyCallback(callbackKey, form) {
  return callbackRefusal(callbackKey, form) === null;
}

/**
 * The x-cg-signature-v1 of a webhook event: base64(HMAC-SHA256(webhookKey,
 * eventType + eventTimestamp + status + payloadId)).
 */
export function webhookSignature(webhookKey, eventType, eventTimestamp, status, payloadId) {
  const message = String(eventType) + String(eventTimestamp) + String(status) + String(payloadId);
  return encoding.b64encode(crypto.hmac('sha256', webhookKey, message, 'binary'), 'std');
}

/**
 * Checks a webhook: body is the JSON text posted (or the decoded event) and
 * signature the x-cg-signature-v1 header. Returns the event when the
 * signature is valid, null when it is missing, wrong, or the body is not a
 * JSON object.
 */
export function verifyWebhook(webhookKey, body, signature) {
  if (!signature) {
    return null;
  }
  let event = body;
  if (typeof body === 'string') {
    try {
      event = JSON.parse(body);
    } catch (e) {
      return null;
    }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return null;
  }
  const ts = event.eventTimestamp === undefined || event.eventTimestamp === null ? 0 : event.eventTimestamp;
  const want = webhookSignature(webhookKey, event.eventType || '', ts, event.status || '', event.payloadId || '');
  return constantTimeEqual(String(signature), want) ? event : null;
}

// constantTimeEqual compares two strings without stopping at the first
// difference, so the time taken does not tell how much of a guess matched.
function constantTimeEqual(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return diff === 0;
}
