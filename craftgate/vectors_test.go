package craftgate

// Known-answer vectors (internal/vectors: the one copy that the Go
// functions here and the k6 module are both tested against).

import (
	"net/url"

	"github.com/gatecheck/gatecheck/internal/vectors"
)

type requestVector struct {
	name, url, decoding, apiKey, secretKey, rnd string
	body                                        []byte
	want                                        string
}

type callbackVector struct {
	name, key string
	form      url.Values
	want      string
}

type webhookVector struct {
	name, key, eventType string
	ts                   int64
	status, payloadID    string
	want                 string
}

var requestVectors, callbackV1Vectors, callbackV2Vectors, webhookVectors = loadVectors()

func loadVectors() ([]requestVector, []callbackVector, []callbackVector, []webhookVector) {
	set, err := vectors.Load()
	if err != nil {
		panic(err)
	}
	var req []requestVector
	for _, v := range set.Request {
		req = append(req, requestVector{name: v.Name, url: v.URL, decoding: v.Decoding, apiKey: v.APIKey,
			secretKey: v.SecretKey, rnd: v.Rnd, body: v.BodyBytes(), want: v.Want})
	}
	callbacks := func(vs []vectors.Callback) []callbackVector {
		var out []callbackVector
		for _, v := range vs {
			out = append(out, callbackVector{name: v.Name, key: v.Key, form: v.Values(), want: v.Want})
		}
		return out
	}
	var hooks []webhookVector
	for _, v := range set.Webhook {
		hooks = append(hooks, webhookVector{name: v.Name, key: v.Key, eventType: v.EventType, ts: v.EventTimestamp,
			status: v.Status, payloadID: v.PayloadID, want: v.Want})
	}
	return req, callbacks(set.CallbackV1), callbacks(set.CallbackV2), hooks
}
