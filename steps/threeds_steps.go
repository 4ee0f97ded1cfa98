package steps

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
	"github.com/gatecheck/gatecheck/probe"
)

// smsCode is what the buyer types on the bank's page; the sandbox's bank
// accepts any code.
const smsCode = "283416"

// callbackWait bounds the wait for a callback the browser has already
// posted to the receiver (the receiver records it before answering, so
// the wait normally ends at once).
const callbackWait = 5 * time.Second

// callbackFields maps the words of the steps to the callback's form
// fields (docs/reference/craftgate/flows.md 2.2, 2.3).
var callbackFields = map[string]string{
	"status":          "status",
	"complete status": "completeStatus",
	"callback status": "callbackStatus",
	"md status":       "mdStatus",
}

// bankButtons maps the buyer's verb to the value of the bank page's button
// (name "action").
var bankButtons = map[string]string{"verifies": "verify", "rejects": "reject"}

func threeDSDefinitions() []Definition {
	return []Definition{
		{`^the merchant asks for 3-D Secure callbacks of version 2$`,
			step0(func(w *World, ctx context.Context) error { w.callbackVersion = 2; return nil })},
		{`^the buyer starts a 3-D Secure payment with ` + ReCard + `$`,
			step1((*World).startThreeDS)},
		{`^the buyer (verifies|rejects) the payment at the bank$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.atTheBank(ctx, bankButtons[a0]) })},
		{`^the buyer has verified a 3-D Secure payment with ` + ReCard + ` at the bank$`,
			step1((*World).hasVerified)},
		{`^the buyer returns to the bank's page and verifies again$`, step0((*World).returnToBank)},
		{`^the merchant completes the 3-D Secure payment$`, step0((*World).completeThreeDS)},
		{`^a copy of the callback with a tampered (hash|status|payment id|hashParams list) is posted to the merchant$`,
			step1((*World).forgeCallback)},

		{`^the merchant receives a callback whose hash verifies$`, step0((*World).callbackVerifies)},
		{`^the callback carries (status|complete status|callback status|md status) "([A-Z0-9_]*)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.callbackCarries(a0, a1) })},
		{`^the callback's hash covers ` + ReNames + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.callbackHashCovers(a0) })},
		{`^the merchant rejects the forged callback$`, step0((*World).forgedRejected)},
		{`^the payment can be retrieved with status ` + ReGroup + `$`,
			step1((*World).retrievableWithStatus)},
	}
}

// merchantURL returns the merchant receiver's address for path.
func (w *World) merchantURL(path string) (string, error) {
	if w.target.MerchantURL == "" {
		return "", errors.New("steps: the target has no merchant URL: the 3-D Secure, checkout and webhook steps need the merchant's receiver (conform starts one)")
	}
	return strings.TrimRight(w.target.MerchantURL, "/") + path, nil
}

// receiver returns the in-process merchant receiver.
func (w *World) receiver() (*merchant.Receiver, error) {
	if w.target.Merchant == nil {
		return nil, errors.New("steps: the target has no merchant receiver in this process: the step needs to see what the merchant received (conform starts one)")
	}
	return w.target.Merchant, nil
}

// startThreeDS starts a 3-D Secure payment of the basket. The answer,
// success or decline, is kept for the Then steps.
func (w *World) startThreeDS(ctx context.Context, spec string) error {
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	w.startPayment(card, req)
	init := &craftgate.InitThreeDSPaymentRequest{CreatePaymentRequest: *req, CallbackURL: cb}
	if w.callbackVersion == 2 {
		init.UseCallbackV2()
	}
	resp, err := w.client.InitThreeDSPayment(ctx, init)
	if err != nil {
		w.stage = craftgate.StepThreeDSInit
		return w.paid(card, nil, err)
	}
	w.err, w.threeDS, w.paymentID = nil, resp, resp.PaymentID
	w.noteAttempt(craftgate.StepThreeDSInit, card, resp.PaymentID, nil)
	if resp.PaymentID == 0 {
		return fmt.Errorf("steps: 3ds-init with %s answered no paymentId", card)
	}
	return nil
}

// requireThreeDS returns the started 3-D Secure payment.
func (w *World) requireThreeDS() (*craftgate.InitThreeDSPaymentResponse, error) {
	if w.threeDS == nil {
		return nil, fmt.Errorf("expected a started 3-D Secure payment with %s, got %s", w.card, describeErr(w.err))
	}
	return w.threeDS, nil
}

// atTheBank plays the buyer's browser from the 3ds-init answer to the
// merchant: the htmlContent (or redirectUrl) leads to the bank's page, the
// buyer types the SMS code and presses verify or reject, and the page the
// bank answers with posts the callback to the merchant.
func (w *World) atTheBank(ctx context.Context, action string) error {
	init, err := w.requireThreeDS()
	if err != nil {
		return err
	}
	if init.HTMLContent == "" && init.RedirectURL == "" {
		return fmt.Errorf("steps: payment %d: 3ds-init answered neither htmlContent nor redirectUrl (additionalAction %q)", w.paymentID, init.AdditionalAction)
	}
	bank, err := w.toBank(ctx, fmt.Sprintf("payment %d", w.paymentID), init.HTMLContent, init.RedirectURL)
	if err != nil {
		return err
	}
	w.noteAttempt(craftgate.StepThreeDSVerify, w.card, w.paymentID, nil)
	return w.pressAtBank(ctx, bank, action)
}

// toBank takes the buyer's browser to the bank's page with an answer's
// htmlContent (base64; its form auto-submits to the bank) or else its
// redirectUrl, and keeps the page.
func (w *World) toBank(ctx context.Context, subject, htmlContent, redirectURL string) (Page, error) {
	b := w.browser()
	var bank Page
	if htmlContent != "" {
		doc, err := base64.StdEncoding.DecodeString(strings.TrimSpace(htmlContent))
		if err != nil {
			return bank, fmt.Errorf("steps: %s: htmlContent is not base64: %w", subject, err)
		}
		// The merchant renders the HTML in the buyer's browser.
		if bank, _, err = b.submit(ctx, Page{Body: doc}, nil, nil); err != nil {
			return bank, fmt.Errorf("steps: %s: the htmlContent does not lead to the bank's page: %w", subject, err)
		}
	} else {
		var err error
		if bank, err = b.get(ctx, redirectURL); err != nil {
			return bank, err
		}
	}
	if err := pageOK(bank, subject+": the bank's page"); err != nil {
		return bank, err
	}
	w.bankPage = &bank
	return bank, nil
}

// pressAtBank fills the bank's page and presses verify or reject, then
// lets the answer post the callback to the merchant.
func (w *World) pressAtBank(ctx context.Context, bank Page, action string) error {
	f, err := ParseForm(bank)
	if err != nil {
		return fmt.Errorf("steps: payment %d: the bank's page: %w", w.paymentID, err)
	}
	set := map[string]string{}
	if _, ok := f.Get("otp"); ok {
		set["otp"] = smsCode
	}
	back, err := w.browser().press(ctx, f, set, action, "payment %d: the bank's page", w.paymentID)
	if err != nil {
		return err
	}
	return w.postCallback(ctx, back)
}

// postCallback submits the page the bank answered with, whose one form
// carries the callback to the merchant, and records what was posted and
// how the merchant answered.
func (w *World) postCallback(ctx context.Context, page Page) error {
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	if page.Status != http.StatusOK {
		return fmt.Errorf("steps: payment %d: the bank answered HTTP %d: %s", w.paymentID, page.Status, excerpt(page.Body))
	}
	f, err := ParseForm(page)
	if err != nil {
		return fmt.Errorf("steps: payment %d: the bank's answer: %w", w.paymentID, err)
	}
	if f.Action.String() != cb || f.Method != http.MethodPost {
		return fmt.Errorf("steps: payment %d: the bank's answer sends the buyer to %s %s, expected a POST to the callbackUrl %s", w.paymentID, f.Method, redactedURL(f.Action), cb)
	}
	answer, v, err := w.browser().submitForm(ctx, f, nil, nil)
	if err != nil {
		return err
	}
	w.callback, w.callbackAnswer = v, answer.Status
	return nil
}

// hasVerified starts a 3-D Secure payment, verifies it at the bank and
// checks that the merchant received a callback with a valid hash.
func (w *World) hasVerified(ctx context.Context, spec string) error {
	if err := w.startThreeDS(ctx, spec); err != nil {
		return err
	}
	if _, err := w.requireThreeDS(); err != nil {
		return err
	}
	if err := w.atTheBank(ctx, "verify"); err != nil {
		return err
	}
	return w.callbackVerifies(ctx)
}

// returnToBank sends the bank's page again, as a buyer who goes back to it
// and presses verify a second time.
func (w *World) returnToBank(ctx context.Context) error {
	if w.bankPage == nil {
		return errors.New("steps: the buyer has not been to the bank's page yet")
	}
	return w.pressAtBank(ctx, *w.bankPage, "verify")
}

// completeThreeDS completes the payment under test; the answer, success
// or error, is kept like a payment's.
func (w *World) completeThreeDS(ctx context.Context) error {
	return w.completeWith(ctx, "3-D Secure", w.client.CompleteThreeDSPayment)
}

// completeWith completes the 3-D Secure payment under test (of the kind
// named, for the message when there is none) with complete.
func (w *World) completeWith(ctx context.Context, kind string, complete func(context.Context, int64) (*craftgate.Payment, error)) error {
	if w.paymentID == 0 {
		return fmt.Errorf("steps: no %s payment to complete: start one first", kind)
	}
	w.payment, w.declined, w.retrieved = nil, nil, nil
	p, err := complete(ctx, w.paymentID)
	w.stage = craftgate.StepThreeDSComplete
	return w.paid(w.card, p, err)
}

// requireCallback returns the last callback the browser posted.
func (w *World) requireCallback() (url.Values, error) {
	if w.callback == nil {
		return nil, errors.New("expected a callback to the merchant, but the buyer's browser posted none")
	}
	return w.callback, nil
}

// callbackVerifies checks that the merchant accepted the callback the
// browser posted and that its hash verifies with the merchant's callback key.
func (w *World) callbackVerifies(ctx context.Context) error {
	form, err := w.requireCallback()
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("callback of payment %d", w.paymentID)
	var m mismatches
	if w.target.CallbackKey != "" {
		if err := craftgate.VerifyCallback(w.target.CallbackKey, form); err != nil {
			m.addf("hash: %v", err)
		}
	}
	if w.callbackAnswer < 200 || w.callbackAnswer > 299 {
		m.addf("the merchant answered HTTP %d, expected 2xx", w.callbackAnswer)
	}
	if r := w.target.Merchant; r != nil {
		cb, err := waitCallback(ctx, r, merchant.KindThreeDS, form)
		switch {
		case err != nil:
			m.addf("the merchant's receiver did not record it: %v", err)
		case !cb.Verified:
			m.addf("the merchant's receiver did not verify its hash: %s", cb.Err)
		}
	}
	if id := form.Get("paymentId"); id != "" && id != strconv.FormatInt(w.paymentID, 10) {
		m.addf("paymentId: expected %d, got %q", w.paymentID, id)
	}
	if w.request != nil {
		m.check("conversationId", w.request.ConversationID, form.Get("conversationId"))
	}
	if err := m.err(subject); err != nil {
		return err
	}
	version := "v1"
	if form.Get("hashParams") != "" {
		version = "v2 (hashParams)"
	}
	w.note(EvidenceCallback, fmt.Sprintf("%s callback of payment %d: %s hash verified by the merchant", w.callbackFlow(), w.paymentID, version), "")
	return nil
}

// waitCallback waits until the receiver recorded the callback of kind
// with exactly form.
func waitCallback(ctx context.Context, r *merchant.Receiver, kind string, form url.Values) (merchant.Callback, error) {
	ctx, cancel := context.WithTimeout(ctx, callbackWait)
	defer cancel()
	want := form.Encode()
	return r.WaitCallback(ctx, func(c merchant.Callback) bool { return c.Kind == kind && c.Form.Encode() == want })
}

func (w *World) callbackCarries(field, value string) error {
	form, err := w.requireCallback()
	if err != nil {
		return err
	}
	name := callbackFields[field]
	got, ok := form[name]
	if !ok {
		return fmt.Errorf("callback of payment %d: expected %s %q, but it has no %s field (fields: %s)", w.paymentID, field, value, name, fieldList(form))
	}
	var m mismatches
	m.check(name, value, strings.Join(got, ","))
	return m.errf("callback of payment %d", w.paymentID)
}

// callbackHashCovers checks a version 2 callback: hashParams names every
// field listed, every field it names is in the form, and the hash is the
// version 2 hash of those fields.
func (w *World) callbackHashCovers(list string) error {
	names, form, err := withArg(list, ParseNames, w.requireCallback)
	if err != nil {
		return err
	}
	params := form.Get("hashParams")
	subject := fmt.Sprintf("callback of payment %d", w.paymentID)
	if params == "" {
		return fmt.Errorf("%s: expected hashParams naming %s, got none (a version 1 callback?)", subject, strings.Join(names, ", "))
	}
	covered := strings.Split(params, ":")
	var m mismatches
	for _, n := range names {
		if !slices.Contains(covered, n) {
			m.addf("hashParams %q: expected it to name %s", params, n)
		}
	}
	for _, n := range covered {
		if _, ok := form[n]; !ok {
			m.addf("hashParams names %s, but the form has no such field (the docs want every named field present, empty if null)", n)
		}
	}
	if k := w.target.CallbackKey; k != "" && !strings.EqualFold(form.Get("hash"), craftgate.CallbackHashV2(k, form)) {
		m.addf("hash: expected the version 2 hash of the fields hashParams names")
	}
	return m.err(subject)
}

// forgeHashParams is the version 2 forgery (probe.ForgeHashParams): the
// callback's signed values moved into one field named alone in hashParams,
// its outcome flipped and the other fields a merchant acts on kept, all
// unsigned.
func forgeHashParams(form url.Values) (url.Values, error) {
	if form.Get("hashParams") == "" {
		return nil, errors.New("steps: the callback is version 1: it has no hashParams to forge")
	}
	flip := map[string]string{craftgate.StatusSuccess: craftgate.StatusFailure}
	set := map[string]string{}
	for _, f := range []string{"status", "paymentStatus", "paymentId", "conversationId", "completeStatus", "mdStatus", "additionalAction"} {
		if _, ok := form[f]; !ok {
			continue
		}
		v := form.Get(f)
		if f == "status" || f == "paymentStatus" {
			if v = flip[v]; v == "" {
				v = craftgate.StatusSuccess
			}
		}
		set[f] = v
	}
	return probe.ForgeHashParams(form, set), nil
}

// forgeCallback posts a copy of the callback the merchant received with one
// part changed, as an attacker calling the public callback URL would.
func (w *World) forgeCallback(ctx context.Context, part string) error {
	form, err := w.requireCallback()
	if err != nil {
		return err
	}
	forged := url.Values{}
	for k, v := range form {
		forged[k] = slices.Clone(v)
	}
	switch part {
	case "hash":
		h := forged.Get("hash")
		if h == "" {
			return errors.New("steps: the callback has no hash to tamper with")
		}
		last := byte('0')
		if h[len(h)-1] == '0' {
			last = '1'
		}
		forged.Set("hash", h[:len(h)-1]+string(last))
	case "status":
		if forged.Get("status") == craftgate.StatusSuccess {
			forged.Set("status", craftgate.StatusFailure)
		} else {
			forged.Set("status", craftgate.StatusSuccess)
		}
	case "payment id":
		id, _ := strconv.ParseInt(forged.Get("paymentId"), 10, 64)
		forged.Set("paymentId", strconv.FormatInt(id+1, 10))
	case "hashParams list":
		forged, err = forgeHashParams(form)
		if err != nil {
			return err
		}
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	action, err := url.Parse(cb)
	if err != nil {
		return fmt.Errorf("steps: merchant URL: %w", err)
	}
	answer, err := w.browser().send(ctx, http.MethodPost, action, forged)
	if err != nil {
		return err
	}
	w.forged, w.forgedAnswer = forged, answer.Status
	return nil
}

func (w *World) forgedRejected(ctx context.Context) error {
	if w.forged == nil {
		return errors.New("steps: no forged callback was posted")
	}
	var m mismatches
	if w.forgedAnswer < 400 || w.forgedAnswer > 499 {
		m.addf("the merchant answered HTTP %d, expected a refusal (4xx)", w.forgedAnswer)
	}
	if r := w.target.Merchant; r != nil {
		cb, err := waitCallback(ctx, r, merchant.KindThreeDS, w.forged)
		switch {
		case err != nil:
			m.addf("the merchant's receiver did not record it: %v", err)
		case cb.Verified:
			m.addf("the merchant's receiver took its hash as valid")
		}
	}
	if k := w.target.CallbackKey; k != "" && craftgate.VerifyCallback(k, w.forged) == nil {
		m.addf("the forged callback's hash verifies: the forgery changed nothing the hash covers")
	}
	if err := m.err(fmt.Sprintf("forged callback of payment %d", w.paymentID)); err != nil {
		return err
	}
	w.note(EvidenceSignature, fmt.Sprintf("forged %s callback of payment %d rejected (HTTP %d)", w.callbackFlow(), w.paymentID, w.forgedAnswer), "")
	return nil
}

func (w *World) retrievableWithStatus(ctx context.Context, status string) error {
	return w.verifyCurrent(ctx, func(p *craftgate.Payment, m *mismatches) error {
		m.check("paymentStatus", status, p.PaymentStatus)
		if w.request != nil {
			m.check("conversationId", w.request.ConversationID, p.ConversationID)
		}
		return m.errf("retrieved payment %d with %s", p.ID, w.card)
	})
}

// fieldList names a form's fields, sorted.
func fieldList(v url.Values) string {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// excerpt is the start of a page's visible text, card numbers masked, for
// error messages.
func excerpt(body []byte) string {
	return truncateText(craftgate.MaskPANs(pageText(body)), 200)
}

// callbackFlow names the flow whose browser callback the scenario checks,
// for the evidence: the APM and BNPL steps share the 3-D Secure callback
// steps (the same form POST and hash).
func (w *World) callbackFlow() string {
	switch {
	case w.bnpl != nil:
		return "BNPL"
	case w.apm != nil:
		return "APM"
	}
	return "3DS"
}
