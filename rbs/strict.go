package rbs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Strict answer types: what a strictly typed client declares, with
// errorCode and actionCode of one JSON type C (string or int) and plain
// Go types everywhere else. The gateway's docs type these codes as
// strings in their tables and show numbers in several examples; a mock
// run with one JSON code mode lets a merchant check that their own strict
// client decodes every answer (see DecodeStrict).

// StrictCode is the JSON type of errorCode and actionCode.
type StrictCode interface{ ~string | ~int }

// StrictError is the error part every answer may carry.
type StrictError[C StrictCode] struct {
	ErrorCode    *C     `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// StrictRegister is register.do's answer.
type StrictRegister[C StrictCode] struct {
	StrictError[C]
	OrderID string `json:"orderId"`
	FormURL string `json:"formUrl"`
}

// StrictStatus is getOrderStatusExtended.do's answer (bank shape).
type StrictStatus[C StrictCode] struct {
	StrictError[C]
	OrderNumber           string      `json:"orderNumber"`
	OrderStatus           int         `json:"orderStatus"`
	ActionCode            C           `json:"actionCode"`
	ActionCodeDescription string      `json:"actionCodeDescription"`
	Amount                int64       `json:"amount"`
	Currency              string      `json:"currency"`
	Date                  int64       `json:"date"`
	Attributes            []NameValue `json:"attributes"`
	PaymentAmountInfo     struct {
		PaymentState    string `json:"paymentState"`
		ApprovedAmount  int64  `json:"approvedAmount"`
		DepositedAmount int64  `json:"depositedAmount"`
		RefundedAmount  int64  `json:"refundedAmount"`
	} `json:"paymentAmountInfo"`
	CardAuthInfo *struct {
		MaskedPan      string `json:"maskedPan"`
		Expiration     string `json:"expiration"`
		CardholderName string `json:"cardholderName"`
		ApprovalCode   string `json:"approvalCode"`
		PaymentSystem  string `json:"paymentSystem"`
	} `json:"cardAuthInfo"`
	Refunds []struct {
		ActionCode C     `json:"actionCode"`
		Amount     int64 `json:"amount"`
	} `json:"refunds"`
	PaymentWay string `json:"paymentWay"`
}

// StrictClassicStatus is getOrderStatus.do's answer.
type StrictClassicStatus[C StrictCode] struct {
	ErrorCode    C      `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
	OrderStatus  int    `json:"OrderStatus"`
	OrderNumber  string `json:"OrderNumber"`
	Pan          string `json:"Pan"`
	Amount       int64  `json:"Amount"`
}

// StrictPayment is the answer of paymentorder.do, paymentOrderBinding.do
// and the finish methods.
type StrictPayment[C StrictCode] struct {
	StrictError[C]
	Info      string `json:"info"`
	Redirect  string `json:"redirect"`
	AcsURL    string `json:"acsUrl"`
	PaReq     string `json:"paReq"`
	Is3DSVer2 bool   `json:"is3DSVer2"`
}

// StrictBindings is getBindings.do's answer.
type StrictBindings[C StrictCode] struct {
	StrictError[C]
	Bindings []struct {
		BindingID  string `json:"bindingId"`
		MaskedPan  string `json:"maskedPan"`
		ExpiryDate string `json:"expiryDate"`
	} `json:"bindings"`
}

// StrictSBP is the SBP QR methods' answer.
type StrictSBP[C StrictCode] struct {
	StrictError[C]
	QRID             string `json:"qrId"`
	Payload          string `json:"payload"`
	QRStatus         string `json:"qrStatus"`
	TransactionState string `json:"transactionState"`
	Rejected         bool   `json:"rejected"`
}

// StrictLastOrders is getLastOrdersForMerchants.do's answer.
type StrictLastOrders[C StrictCode] struct {
	StrictError[C]
	OrderStatuses []StrictStatus[C] `json:"orderStatuses"`
	TotalCount    int               `json:"totalCount"`
}

// StrictReceipts is getReceiptStatus.do's answer.
type StrictReceipts[C StrictCode] struct {
	StrictError[C]
	OrderID string `json:"orderId"`
	Receipt []struct {
		ReceiptStatus int    `json:"receiptStatus"`
		UUID          string `json:"uuid"`
		AmountTotal   string `json:"amount_total"`
	} `json:"receipt"`
}

// DecodeStrict decodes body into out as a strict client would: every
// field must have its declared JSON type. Unknown fields are allowed (the
// docs tell clients to ignore them).
func DecodeStrict(method string, body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("rbs: strict decode of %s: %w: %s", method, err, truncate(string(body), 300))
	}
	return nil
}

// Raw sends method with params (credentials and the default language
// added) and returns the answer's HTTP status and body undecoded.
func (c *Client) Raw(ctx context.Context, method string, params []Param) (int, []byte, error) {
	return c.send(ctx, method, append(c.auth(), params...))
}
