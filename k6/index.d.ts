// Types of craftgate.js: Craftgate request signing and callback/webhook
// verification for k6 scripts (k6's built-in k6/crypto and k6/encoding only).

/** The merchant's API credentials. */
export interface Credentials {
    apiKey: string;
    secretKey: string;
}

/** A request body exactly as sent; absent for requests without one. */
export type Body = string | ArrayBuffer | null | undefined;

/**
 * A callback form: the urlencoded body posted to the merchant's
 * callbackUrl, or its decoded fields (of a list the first value counts; a
 * field whose value is undefined is not carried).
 */
export type Form = string | Record<string, string | string[] | null | undefined>;

/**
 * The headers of a signed request (Content-Type: application/json too
 * when there is a body); a k6 Params headers object.
 */
export interface SignedHeaders {
    [name: string]: string;
    "x-api-key": string;
    "x-rnd-key": string;
    "x-auth-version": "v1";
    "x-signature": string;
    Accept: "application/json";
}

/** A webhook event as Craftgate posts it. */
export interface WebhookEvent {
    eventType: string;
    eventTime?: string;
    eventTimestamp: number;
    status: string;
    payloadId: string;
    payload?: unknown;
    [field: string]: unknown;
}

/** The x-auth-version header value of a signed request. */
export const AUTH_VERSION: "v1";

/** The header that carries a webhook's signature. */
export const WEBHOOK_SIGNATURE_HEADER: "x-cg-signature-v1";

/** The percent-decoded form of a request URL that is signed ('+' kept). */
export function signableUrl(rawUrl: string): string;

/** x-signature: base64(SHA-256(url + apiKey + secretKey + rnd + body)), url as given. */
export function signature(url: string, apiKey: string, secretKey: string, rnd: string, body?: Body): string;

/** A fresh x-rnd-key (16 hex digits). */
export function nonce(): string;

/** The headers of a signed request to url with body; rnd defaults to nonce(). */
export function signedHeaders(url: string, body: Body, credentials: Credentials, rnd?: string): SignedHeaders;

/** Decodes an application/x-www-form-urlencoded body; the first of repeated names wins. */
export function parseForm(body: string): Record<string, string>;

/** The 3-D Secure / APM callback hash, version 1 (lowercase hex). */
export function callbackHashV1(callbackKey: string, form: Form): string;

/** The hashParams callback hash, version 2 (3-D Secure v2, BNPL; lowercase hex). */
export function callbackHashV2(callbackKey: string, form: Form): string;

/** The hash a callback form should carry: v2 when it names hashParams, else v1. */
export function callbackHash(callbackKey: string, form: Form): string;

/**
 * Why a callback form is refused, or null when it verifies: no hash, a wrong
 * hash (constant-time, hex case-insensitive), or a version 2 hashParams that
 * leaves unsigned a field the merchant acts on (status, paymentStatus,
 * paymentId, conversationId, completeStatus, mdStatus, additionalAction: each
 * one the form carries, even empty, must be named) or names neither status
 * nor paymentStatus. The reasons are the texts of gatecheck's Go errors.
 */
export function callbackRefusal(callbackKey: string, form: Form): string | null;

/**
 * Whether a callback form verifies: its hash is right and, for a version 2
 * callback, its hashParams signs every field the merchant acts on (see
 * callbackRefusal for the reason of a refusal).
 */
export function verifyCallback(callbackKey: string, form: Form): boolean;

/** x-cg-signature-v1: base64(HMAC-SHA256(webhookKey, eventType + eventTimestamp + status + payloadId)). */
export function webhookSignature(
    webhookKey: string,
    eventType: string,
    eventTimestamp: number | string,
    status: string,
    payloadId: string,
): string;

/** The event when signature is its valid x-cg-signature-v1, null otherwise. */
export function verifyWebhook(
    webhookKey: string,
    body: string | WebhookEvent,
    signature: string | null | undefined,
): WebhookEvent | null;
