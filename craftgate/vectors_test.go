package craftgate

// Known-answer vectors from the reference's vectors.md (computed with
// python3 and cross-checked there against the official clients). Generated
// once from that file; the project keeps its own copy.

import "net/url"

type requestVector struct {
	name, url, decoding, apiKey, secretKey, rnd string
	body                                        []byte
	want                                        string
}

var requestVectors = []requestVector{
	{name: "R1", url: "https://api.craftgate.io/onboarding/v1/members/1", decoding: "none", apiKey: "key-1", secretKey: "FooBar123!", rnd: "Xa15Fp11T", body: nil, want: "y1TtnjNCJEvlkP5ufCkK3H0i2guMB/bKL4Ayw3VlKWA="},
	{name: "R2", url: "https://api.craftgate.io/onboarding/v1/members", decoding: "none", apiKey: "key-1", secretKey: "FooBar123!", rnd: "Xa15Fp11T", body: []byte("{\"email\": \"haluk.demir@example.com\",\"name\": \"Haluk Demir\",\"phoneNumber\": \"905551111111\",\"address\": \"Beylerbeyi Cad. Lale Sok. No: 38 Daire: 3 Üsküdar\",\"contactName\": \"Haluk\",\"contactSurname\": \"Demir\",\"memberExternalId\": \"0ac49f08-f2a9-4326-a4d8-f6c1b01596fb\"}"), want: "LlK2r2PHraJjiFtDa65CYQVNr/MOKOfQNwOSMqlagxA="},
	{name: "R3", url: "https://sandbox-api.craftgate.io/payment/v1/card-payments", decoding: "none", apiKey: "sandbox-api-key", secretKey: "sandbox-secret-key", rnd: "a1b2c3d4", body: []byte("{\"price\":100.0,\"paidPrice\":100.0,\"walletPrice\":0,\"installment\":1,\"currency\":\"TRY\",\"paymentGroup\":\"LISTING_OR_SUBSCRIPTION\",\"conversationId\":\"456d1297-908e-4bd6-a13b-4be31a6e47d5\",\"card\":{\"cardHolderName\":\"Haluk Demir\",\"cardNumber\":\"5258640000000001\",\"expireYear\":\"2044\",\"expireMonth\":\"07\",\"cvc\":\"000\"},\"items\":[{\"name\":\"Item 1\",\"price\":30.0},{\"name\":\"Item 2\",\"price\":50.0},{\"name\":\"Item 3\",\"price\":20.0}]}"), want: "1JfeIS9mNstZMLezTtT56aUKHChfGjGrgXxOb/1pP7c="},
	{name: "R4", url: "https://sandbox-api.craftgate.io/payment/v1/card-payments", decoding: "none", apiKey: "sandbox-api-key", secretKey: "sandbox-secret-key", rnd: "a1b2c3d4", body: []byte("{\"price\":100.0,\"paidPrice\":100.0,\"walletPrice\":0,\"installment\":1,\"currency\":\"TRY\",\"paymentGroup\":\"LISTING_OR_SUBSCRIPTION\",\"conversationId\":\"456d1297-908e-4bd6-a13b-4be31a6e47d5\",\"card\":{\"cardHolderName\":\"Haluk Demir\",\"cardNumber\":\"5258640000000001\",\"expireYear\":\"2044\",\"expireMonth\":\"07\",\"cvc\":\"000\"},\"items\":[{\"name\":\"Item 1\",\"price\":30.0},{\"name\":\"Item 2\",\"price\":50.0},{\"name\":\"Item 3\",\"price\":20.0}]}\n"), want: "wfWcEtw6xXSQiHRc+GdPTDGSx8CDHFe9zTJlwkSB994="},
	{name: "R5", url: "https://sandbox-api.craftgate.io/installment/v1/installments?binNumber=52586400&price=100.0&currency=TRY", decoding: "none", apiKey: "sandbox-api-key", secretKey: "sandbox-secret-key", rnd: "a1b2c3d4", body: nil, want: "thZu4Jdycpvy5Qc9c9pNvogjdWcjgJgSY9uM5oxRWVo="},
	{name: "R6", url: "https://sandbox-api.craftgate.io/payment-reporting/v1/payments?maxCreatedDate=2024-01-31T23:59:59&minCreatedDate=2024-01-01T00:00:00&page=1&size=10", decoding: "none", apiKey: "sandbox-api-key", secretKey: "sandbox-secret-key", rnd: "a1b2c3d4", body: nil, want: "cjc9BA9K4QZv3M11vBy8CwHUkM2FB5o6v7mLnTPqzyw="},
	{name: "R7", url: "https://sandbox-api.craftgate.io/payment-reporting/v1/payments?page=1&size=10&minCreatedDate=2024-01-01T00%3A00%3A00&maxCreatedDate=2024-01-31T23%3A59%3A59&", decoding: "plus", apiKey: "sandbox-api-key", secretKey: "sandbox-secret-key", rnd: "a1b2c3d4", body: nil, want: "d/qb5Y9h9Q5cOgGehBBBT0YjFH2/8Ja2dK3+SoFR69A="},
	{name: "R8", url: "http://localhost:8000/onboarding/v1/members?name=Zeytinya%C4%9F%C4%B1%20%C3%9Cretim", decoding: "pct", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "vxYA+5LH3F4m8tHQA2LpVBwzVgCqGRHue4XAgcVjjYQ="},
	{name: "R9", url: "http://localhost:8000/onboarding/v1/members?name=Zeytinya%C4%9F%C4%B1%20%C3%9Cretim", decoding: "none", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "jdOZLGyvTZlA2iKAAMX4OgBkjaTvYLqBmGPlXM4NhLE="},
	{name: "R10", url: "http://localhost:8000/onboarding/v1/members?name=Zeytinya%C4%9F%C4%B1+%C3%9Cretim", decoding: "none", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "M4JVwbDsAcKFCVB0poJKURYhbxFz/p+xyjNOLw7wImw="},
	{name: "R11", url: "http://localhost:8000/onboarding/v1/members?name=Zeytinya%C4%9F%C4%B1+%C3%9Cretim", decoding: "plus", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "vxYA+5LH3F4m8tHQA2LpVBwzVgCqGRHue4XAgcVjjYQ="},
	{name: "R12", url: "http://localhost:8000/onboarding/v1/members?name=Zeytinya%C4%9F%C4%B1+%C3%9Cretim", decoding: "pct", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "VyneI2icrh8bb/n2ucidgipFJtRIBUVp234Sg3Wcbk8="},
	{name: "R13", url: "http://localhost:8000/installment/v1/installments", decoding: "none", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: nil, want: "uK7LkWOEzVH+Px/YOiMuSXvPkHLR4KoA7PuykXcYovQ="},
	{name: "R14", url: "http://localhost:8000/payment/v1/cards", decoding: "none", apiKey: "api-key", secretKey: "secret-key", rnd: "1234", body: []byte("{\"cardUserKey\":\"de050909-39a9-473c-a81a-f186dd55cfef\"}"), want: "kQm62AfjXCw6rS6QBCLXta9tV1GqD/SXsAlYP+cEhG8="},
	{name: "R15", url: "https://sandbox-api.craftgate.io", decoding: "none", apiKey: "dummy", secretKey: "dummy", rnd: "123", body: nil, want: "sgmDw5GY819oFF8SC5OTORgqvKGL/4iTZxCeWTSJP5Y="},
	{name: "R16", url: "https://sandbox-api.craftgate.io", decoding: "none", apiKey: "dummy", secretKey: "dummy", rnd: "123", body: []byte("{\"foo\": 42}"), want: "tAse+e0kJf/+XC6yrM+laeTcszYTH8z7uNc5oZAIGPs="},
	{name: "R17", url: "http://localhost:8000/foo?foo=42", decoding: "none", apiKey: "dummy", secretKey: "dummy", rnd: "foo", body: nil, want: "tf0w4o41UCEreJKeQZRHDmJlZr1K2IxG67dMZE5+0gc="},
	{name: "R18", url: "http://localhost:8000/foo", decoding: "none", apiKey: "dummy", secretKey: "dummy", rnd: "foo", body: []byte("{\"foo\":42}"), want: "5PmVYuEmz1ueo49ta5QraJUrtUcDr0RKGwT+ZlmJqmM="},
}

type callbackVector struct {
	name, key string
	form      url.Values
	want      string
}

var callbackV1Vectors = []callbackVector{
	{name: "H1", key: "merchantCallbackKeySandbox", form: url.Values{"status": {"SUCCESS"}, "conversationId": {"456d1297-908e-4bd6-a13b-4be31a6e47d5"}, "paymentId": {"1"}, "completeStatus": {"COMPLETED"}}, want: "fffe880629292588380ae03732e2e69d223f07a099c908ec8664e3b033c7523a"},
	{name: "H2", key: "6UkASNuafM2TdannfMacixxjMaN5ycTJ", form: url.Values{"paymentId": {"415449"}, "conversationId": {"d1811bb0-25a2-40c7-ba71-c8b605259611"}, "status": {"SUCCESS"}, "completeStatus": {"WAITING"}}, want: "768d4e056a9720e7355294b359fe597929dbb363315b543325f1c52612d55edc"},
	{name: "H3", key: "6UkASNuafM2TdannfMacixxjMaN5ycTJ", form: url.Values{"status": {"FAILURE"}, "completeStatus": {""}, "paymentId": {"417145"}, "conversationData": {""}, "conversationId": {"d1811bb0-25a2-40c7-ba71-c8b605259611"}, "callbackStatus": {"ALREADY_RETURNED"}}, want: "8f97746284f91a4295f99ae1e50dd70ccd3c932fd58437855e91a3a2fe86b293"},
	{name: "H4", key: "merchantThreeDsCallbackKeySndbox", form: url.Values{"paymentId": {"5"}, "conversationData": {"conversation-data"}, "conversationId": {"conversation-id"}, "status": {"SUCCESS"}, "completeStatus": {"WAITING"}}, want: "1d3fa1e51fe7c350185c5a7f8c3ff513a991367b08c16a56f4ab9abeb738a1e1"},
	{name: "H5", key: "merchantThreeDsCallbackKeySndbox", form: url.Values{"paymentId": {"5"}, "conversationId": {"conversation-id"}, "status": {"SUCCESS"}, "completeStatus": {"WAITING"}}, want: "a097f0231031a88f2d687b510afca2505ccd2977d6421be4c3784666703f6f25"},
	{name: "H6", key: "0123456789abcdef0123456789abcdef", form: url.Values{"status": {"FAILURE"}, "conversationId": {"order-1001"}}, want: "be78d7f51edee2f2443a2564188672ca98d53ed91f168153b5e8e3b15ac2d614"},
	{name: "APM docs example (7-field v1 formula)", key: "merchantCallbackKeySandbox", form: url.Values{"status": {"SUCCESS"}, "paymentId": {"1"}, "conversationId": {"456d1297-908e-4bd6-a13b-4be31a6e47d5"}}, want: "3a3f520be02eaca2e689d1db855af3925cbdd8db5f850b2b9e61f7ccb9d997b4"},
}

var callbackV2Vectors = []callbackVector{
	{name: "V1", key: "merchantCallbackKeySandbox", form: url.Values{"status": {"SUCCESS"}, "callbackStatus": {""}, "completeStatus": {"WAITING"}, "paymentId": {"863"}, "conversationData": {""}, "conversationId": {"d1811bb0-25a2-40c7-ba71-c8b605259611"}, "mdStatus": {"1"}, "hashParams": {"status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus"}}, want: "00756350c571f5bded587b0e21e2ee3cf53cbb126b8106126059baf6d39e2d9b"},
	{name: "V2", key: "merchantCallbackKeySandbox", form: url.Values{"status": {"SUCCESS"}, "callbackStatus": {""}, "paymentId": {"863"}, "paymentStatus": {"SUCCESS"}, "conversationId": {"d1811bb0-25a2-40c7-ba71-c8b605259611"}, "mdStatus": {"1"}, "hashParams": {"paymentId:status:callbackStatus:conversationId:mdStatus"}}, want: "9f746eb6b0886636654243e04e4c69fd84c4ca78a6afcc442491d25663142a21"},
	{name: "V3", key: "0123456789abcdef0123456789abcdef", form: url.Values{"paymentId": {"204"}, "paymentStatus": {"WAITING"}, "additionalAction": {"APPROVAL_REQUIRED"}, "conversationId": {"order-1001"}, "callbackStatus": {""}, "hashParams": {"paymentId:paymentStatus:additionalAction:conversationId:callbackStatus"}}, want: "273996a92a8cfbfaf72ebbc8844b949258c92ef8a70d95a81f91fb8956fdd013"},
}

type webhookVector struct {
	name, key, eventType string
	ts                   int64
	status, payloadID    string
	want                 string
}

var webhookVectors = []webhookVector{
	{name: "W1", key: "Aoh7tReTybO6wOjBmOJFFsOR53SBojEp", eventType: "API_VERIFY_AND_AUTH", ts: 1661521221, status: "SUCCESS", payloadID: "584", want: "0wRB5XqWJxwwPbn5Z9TcbHh8EGYFufSYTsRMB74N094="},
	{name: "W2", key: "1Q2w3E4r5T6y7U8i9Op", eventType: "API_AUTH", ts: 1641018632, status: "SUCCESS", payloadID: "2150001", want: "eNXKxfxUpVmp/wBrNUmOLjNXL0sYl0mh1s/rEB8K8NU="},
	{name: "W3", key: "1Q2w3E4r5T6y7U8i9Op", eventType: "API_AUTH", ts: 1681384532, status: "SUCCESS", payloadID: "2150001", want: "QQ9p+Sz/iujuXVcCLjuDK96TFuZoZgHZl9zmv0f2/lI="},
	{name: "W4", key: "0123456789abcdef0123456789abcdef", eventType: "BNPL_NOTIFICATION", ts: 1699477200, status: "SUCCESS", payloadID: "204", want: "p1Gw+8XzS8b7qgAF0TCmJh4ZnIfothqGb0vtrLYIZ5c="},
	{name: "W5", key: "0123456789abcdef0123456789abcdef", eventType: "CHECKOUTFORM_AUTH", ts: 1681383497, status: "SUCCESS", payloadID: "14755c78-2e55-4171-ade2-7c9e7dc453ef", want: "N3Qr+xl2MpAN5ODj7tDHZH2qX+LFjuPFw+AwJG8z3m4="},
}
