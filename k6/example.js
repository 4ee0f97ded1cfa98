// A k6 load script that pays with a card at Craftgate's API, signing every
// request with craftgate.js. By default it runs against gatecheck's mock:
//
//   gatecheck mock &                 # 127.0.0.1:8080, default keys
//   k6 run k6/example.js
//
// Against the sandbox, set CRAFTGATE_BASE_URL, CRAFTGATE_API_KEY and
// CRAFTGATE_SECRET_KEY. Split it over machines with k6's own
// --execution-segment and --execution-segment-sequence flags.

import http from 'k6/http';
import { check } from 'k6';
import { signedHeaders } from './craftgate.js';

const BASE_URL = __ENV.CRAFTGATE_BASE_URL || 'http://127.0.0.1:8080';
const CREDENTIALS = {
  apiKey: __ENV.CRAFTGATE_API_KEY || 'gatecheck-api-key',
  secretKey: __ENV.CRAFTGATE_SECRET_KEY || 'gatecheck-secret-key',
};

export const options = {
  scenarios: {
    card_payments: {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 10,
      maxVUs: 40,
    },
  },
  thresholds: {
    checks: ['rate>0.99'],
    'http_req_duration{name:create payment}': ['p(95)<500'],
    'http_req_duration{name:retrieve payment}': ['p(95)<300'],
  },
};

// A successful test card of Craftgate's sandbox (and of the mock).
const CARD = {
  cardHolderName: 'Haluk Demir',
  cardNumber: '5258640000000001',
  expireYear: '2044',
  expireMonth: '07',
  cvc: '000',
};

export default function () {
  const createUrl = `${BASE_URL}/payment/v1/card-payments`;
  const body = JSON.stringify({
    price: 100.0,
    paidPrice: 100.0,
    walletPrice: 0,
    installment: 1,
    currency: 'TRY',
    paymentGroup: 'LISTING_OR_SUBSCRIPTION',
    conversationId: `k6-${__VU}-${__ITER}`,
    card: CARD,
    items: [
      { name: 'Item 1', price: 30.0 },
      { name: 'Item 2', price: 70.0 },
    ],
  });
  // The body is signed exactly as it is sent: sign the same string.
  const created = http.post(createUrl, body, {
    headers: signedHeaders(createUrl, body, CREDENTIALS),
    tags: { name: 'create payment' },
  });
  const paid = check(created, {
    'payment created': (r) => r.status === 200,
    'payment succeeded': (r) => r.status === 200 && r.json('data.paymentStatus') === 'SUCCESS',
  });
  if (!paid) {
    return;
  }

  const getUrl = `${BASE_URL}/payment/v1/card-payments/${created.json('data.id')}`;
  const fetched = http.get(getUrl, {
    headers: signedHeaders(getUrl, null, CREDENTIALS),
    tags: { name: 'retrieve payment' },
  });
  check(fetched, {
    'payment retrieved': (r) => r.status === 200 && r.json('data.id') === created.json('data.id'),
  });
}
