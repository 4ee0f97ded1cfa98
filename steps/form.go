package steps

// A tiny form driver: the World plays the buyer's browser through the 3-D
// Secure and checkout pages without a browser. It parses a page, finds its
// one <form>, fills it like a person would (hidden values kept, visible
// fields set, one submit button pressed) and sends it, following redirects
// like a browser. Scripts are not run: an auto-submitting page is submitted
// as its <noscript> button would.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/gatecheck/gatecheck/craftgate"
)

// maxPageBytes bounds what the driver reads of one page.
const maxPageBytes = 2 << 20

// Page is an HTML page the driver fetched or was handed.
type Page struct {
	// URL is the page's address; relative form actions resolve against it.
	URL *url.URL
	// Status is the HTTP status the page came with (0 for a page handed
	// over, such as a decoded htmlContent).
	Status int
	// Body is the page's HTML.
	Body []byte
}

// Button is a submit button: what pressing it adds to the form data.
type Button struct {
	Name, Value string
}

// Field is one successful control of a form, in document order.
type Field struct {
	Name, Value string
	// Type is the input type ("hidden", "text", ...), "select" or
	// "textarea".
	Type string
}

// Form is the single form of a page.
type Form struct {
	// Method is GET or POST.
	Method string
	// Action is the resolved address the form is sent to.
	Action *url.URL
	// Enctype is the form's encoding; only
	// application/x-www-form-urlencoded is supported, as on the pages the
	// driver visits.
	Enctype string
	// Fields are the controls that would be sent, in document order.
	Fields []Field
	// Buttons are the form's submit buttons, in document order.
	Buttons []Button
	// Options lists the choices of each select.
	Options map[string][]string
}

// Get returns the value a field would send, and whether the form has it.
func (f *Form) Get(name string) (string, bool) {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl.Value, true
		}
	}
	return "", false
}

// Button returns the form's submit button with the given value, or nil.
func (f *Form) Button(value string) *Button {
	for i := range f.Buttons {
		if f.Buttons[i].Value == value {
			return &f.Buttons[i]
		}
	}
	return nil
}

func (f *Form) fieldNames() string {
	names := make([]string, len(f.Fields))
	for i, fl := range f.Fields {
		names[i] = fl.Name
	}
	return strings.Join(names, ", ")
}

// ErrNoForm and ErrManyForms are returned by ParseForm for a page without
// a form and for one with more than one.
var (
	ErrNoForm    = errors.New("steps: the page has no <form>")
	ErrManyForms = errors.New("steps: the page has more than one <form>")
)

// ParseForm finds the one form of page. Controls are collected as a
// browser would send them: inputs with a name (checkboxes and radio buttons
// only when checked; submit, button, reset, image and file inputs never),
// selects (the selected option, else the first), textareas. Disabled
// controls are left out. Buttons are the form's submit buttons (<button>
// without a type or with type=submit, <input type=submit>).
func ParseForm(page Page) (*Form, error) {
	// Parsed as by a browser with scripting off, which is what the driver
	// is: <noscript> content is markup, so its submit button is found.
	doc, err := html.ParseWithOptions(bytes.NewReader(page.Body), html.ParseOptionEnableScripting(false))
	if err != nil {
		return nil, fmt.Errorf("steps: parse page %s: %w", pageName(page), err)
	}
	var forms []*html.Node
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Form {
			forms = append(forms, n)
		}
		return true
	})
	switch len(forms) {
	case 0:
		return nil, fmt.Errorf("%w (page %s, HTTP %d)", ErrNoForm, pageName(page), page.Status)
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d forms (page %s)", ErrManyForms, len(forms), pageName(page))
	}
	fn := forms[0]
	f := &Form{Method: strings.ToUpper(attr(fn, "method")), Enctype: attr(fn, "enctype"), Options: map[string][]string{}}
	if f.Method != http.MethodPost {
		f.Method = http.MethodGet
	}
	if f.Enctype == "" {
		f.Enctype = "application/x-www-form-urlencoded"
	}
	action, err := resolve(page.URL, attr(fn, "action"))
	if err != nil {
		return nil, err
	}
	f.Action = action
	walk(fn, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if _, disabled := lookupAttr(n, "disabled"); disabled {
			return n.DataAtom != atom.Select && n.DataAtom != atom.Textarea
		}
		name := attr(n, "name")
		switch n.DataAtom {
		case atom.Input:
			typ := strings.ToLower(attr(n, "type"))
			if typ == "" {
				typ = "text"
			}
			switch typ {
			case "submit":
				f.Buttons = append(f.Buttons, Button{Name: name, Value: attr(n, "value")})
			case "button", "reset", "image", "file":
			case "checkbox", "radio":
				if _, checked := lookupAttr(n, "checked"); checked && name != "" {
					v, ok := lookupAttr(n, "value")
					if !ok {
						v = "on"
					}
					f.Fields = append(f.Fields, Field{Name: name, Value: v, Type: typ})
				}
			default:
				if name != "" {
					f.Fields = append(f.Fields, Field{Name: name, Value: attr(n, "value"), Type: typ})
				}
			}
		case atom.Button:
			if typ := strings.ToLower(attr(n, "type")); typ == "" || typ == "submit" {
				f.Buttons = append(f.Buttons, Button{Name: name, Value: attr(n, "value")})
			}
		case atom.Select:
			var opts []string
			selected, first, haveSel := "", "", false
			walk(n, func(o *html.Node) bool {
				if o.Type != html.ElementNode || o.DataAtom != atom.Option {
					return true
				}
				v, ok := lookupAttr(o, "value")
				if !ok {
					v = strings.TrimSpace(text(o))
				}
				if len(opts) == 0 {
					first = v
				}
				opts = append(opts, v)
				if _, sel := lookupAttr(o, "selected"); sel && !haveSel {
					selected, haveSel = v, true
				}
				return false
			})
			if name != "" {
				f.Options[name] = opts
				if !haveSel {
					selected = first
				}
				if len(opts) > 0 {
					f.Fields = append(f.Fields, Field{Name: name, Value: selected, Type: "select"})
				}
			}
			return false
		case atom.Textarea:
			if name != "" {
				f.Fields = append(f.Fields, Field{Name: name, Value: text(n), Type: "textarea"})
			}
			return false
		}
		return true
	})
	return f, nil
}

// Values returns the data the form sends with set applied: a value of set
// replaces the field of that name, which the form must have (a person can
// only fill what the page shows); the button pressed, which the form must
// have, is added last. A select only takes one of its options. A nil press
// is a submission by script (form.submit()), which sends no button.
func (f *Form) Values(set map[string]string, press *Button) (url.Values, error) {
	v := url.Values{}
	done := map[string]bool{}
	for _, fl := range f.Fields {
		val := fl.Value
		if s, ok := set[fl.Name]; ok {
			if done[fl.Name] {
				continue // a set value replaces every field of the name
			}
			if opts, isSelect := f.Options[fl.Name]; isSelect && fl.Type == "select" && !slices.Contains(opts, s) {
				return nil, fmt.Errorf("steps: the form's %q offers %q, not %q", fl.Name, opts, s)
			}
			val = s
			done[fl.Name] = true
		}
		v.Add(fl.Name, val)
	}
	for name := range set {
		if !done[name] {
			return nil, fmt.Errorf("steps: the form has no field %q (fields %s)", name, f.fieldNames())
		}
	}
	if press != nil {
		if !slices.Contains(f.Buttons, *press) {
			return nil, fmt.Errorf("steps: the form has no button %s=%q (buttons %v)", press.Name, press.Value, f.Buttons)
		}
		if press.Name != "" {
			v.Add(press.Name, press.Value)
		}
	}
	return v, nil
}

// Request builds the request a browser sends when the form is submitted
// with set and press (see Values).
func (f *Form) Request(ctx context.Context, set map[string]string, press *Button) (*http.Request, error) {
	if !strings.EqualFold(f.Enctype, "application/x-www-form-urlencoded") {
		return nil, fmt.Errorf("steps: form encoding %q is not supported", f.Enctype)
	}
	v, err := f.Values(set, press)
	if err != nil {
		return nil, err
	}
	return formRequest(ctx, f.Method, f.Action, v)
}

// formRequest builds a form submission to action.
func formRequest(ctx context.Context, method string, action *url.URL, v url.Values) (*http.Request, error) {
	if method == http.MethodGet {
		u := *action
		u.RawQuery = v.Encode()
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// browser fetches pages and submits forms through a Doer, as the buyer's
// browser would: no signature, no API keys.
type browser struct {
	doer craftgate.Doer
}

// maxRedirects bounds the redirects the browser follows when its Doer does
// not follow them itself.
const maxRedirects = 10

// do sends req and returns the final page, following 301/302/303/307/308
// redirects the Doer hands back (an http.Client follows them already).
func (b browser) do(req *http.Request) (Page, error) {
	for range maxRedirects + 1 {
		resp, err := b.doer.Do(req)
		if err != nil {
			return Page{}, fmt.Errorf("steps: %s %s: %w", req.Method, redactedURL(req.URL), err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
		resp.Body.Close()
		if err != nil {
			return Page{}, fmt.Errorf("steps: %s %s: read page: %w", req.Method, redactedURL(req.URL), err)
		}
		loc := resp.Header.Get("Location")
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			if loc == "" {
				break
			}
			next, err := resolve(req.URL, loc)
			if err != nil {
				return Page{}, err
			}
			method := req.Method
			var body io.Reader
			if resp.StatusCode == http.StatusTemporaryRedirect || resp.StatusCode == http.StatusPermanentRedirect {
				if req.GetBody != nil {
					rb, err := req.GetBody()
					if err != nil {
						return Page{}, err
					}
					body = rb
				}
			} else {
				method = http.MethodGet
			}
			nreq, err := http.NewRequestWithContext(req.Context(), method, next.String(), body)
			if err != nil {
				return Page{}, err
			}
			if body != nil {
				nreq.Header.Set("Content-Type", req.Header.Get("Content-Type"))
			}
			req = nreq
			continue
		}
		u := req.URL
		if resp.Request != nil && resp.Request.URL != nil {
			u = resp.Request.URL // the address after the client's own redirects
		}
		return Page{URL: u, Status: resp.StatusCode, Body: body}, nil
	}
	return Page{}, fmt.Errorf("steps: %s %s: more than %d redirects", req.Method, redactedURL(req.URL), maxRedirects)
}

// get fetches a page.
func (b browser) get(ctx context.Context, rawURL string) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Page{}, fmt.Errorf("steps: page address: %w", err)
	}
	return b.do(req)
}

// getOK fetches a page that must answer 200; what names the page in the
// error otherwise.
func (b browser) getOK(ctx context.Context, rawURL, what string) (Page, error) {
	page, err := b.get(ctx, rawURL)
	if err != nil {
		return Page{}, err
	}
	return page, pageOK(page, what)
}

// pageOK fails unless page answered 200; what names the page.
func pageOK(page Page, what string) error {
	if page.Status != http.StatusOK {
		return fmt.Errorf("steps: %s answered HTTP %d: %s", what, page.Status, excerpt(page.Body))
	}
	return nil
}

// submit parses page's form, fills it with set, presses press and returns
// the page the submission leads to, with the data sent.
func (b browser) submit(ctx context.Context, page Page, set map[string]string, press *Button) (Page, url.Values, error) {
	f, err := ParseForm(page)
	if err != nil {
		return Page{}, nil, err
	}
	return b.submitForm(ctx, f, set, press)
}

// submitForm submits f with set and press (see Form.Values) and returns
// the page answered and the data sent.
func (b browser) submitForm(ctx context.Context, f *Form, set map[string]string, press *Button) (Page, url.Values, error) {
	v, err := f.Values(set, press)
	if err != nil {
		return Page{}, nil, err
	}
	req, err := f.Request(ctx, set, press)
	if err != nil {
		return Page{}, nil, err
	}
	next, err := b.do(req)
	return next, v, err
}

// press submits f with set by pressing its button of value action (see
// Form.Button) and returns the page answered. A form without that button
// is an error naming the page (format and args, formatted only then).
func (b browser) press(ctx context.Context, f *Form, set map[string]string, action, format string, args ...any) (Page, error) {
	button := f.Button(action)
	if button == nil {
		return Page{}, fmt.Errorf("steps: %s has no button to %s (buttons %v)", fmt.Sprintf(format, args...), action, f.Buttons)
	}
	next, _, err := b.submitForm(ctx, f, set, button)
	return next, err
}

// send submits v to action with method as a form would (a crafted form,
// such as a forged callback) and returns the page answered.
func (b browser) send(ctx context.Context, method string, action *url.URL, v url.Values) (Page, error) {
	req, err := formRequest(ctx, method, action, v)
	if err != nil {
		return Page{}, err
	}
	return b.do(req)
}

// resolve resolves a form action or a Location against the page's address.
// An empty action is the page itself.
func resolve(base *url.URL, ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("steps: address %q: %w", truncateText(ref, 80), err)
	}
	if base == nil {
		if !r.IsAbs() {
			return nil, fmt.Errorf("steps: relative address %q on a page without an address", truncateText(ref, 80))
		}
		return r, nil
	}
	if ref == "" {
		u := *base
		u.Fragment = ""
		return &u, nil
	}
	return base.ResolveReference(r), nil
}

// redactedURL prints an address without its query, which may carry a page
// token.
func redactedURL(u *url.URL) string {
	if u == nil {
		return "(no address)"
	}
	c := *u
	if c.RawQuery != "" {
		c.RawQuery = "…"
	}
	return c.String()
}

func pageName(p Page) string {
	if p.URL == nil {
		return "(handed-over HTML)"
	}
	return redactedURL(p.URL)
}

// walk visits n's descendants depth-first; visit returns false to skip a
// node's children.
func walk(n *html.Node, visit func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if visit(c) {
			walk(c, visit)
		}
	}
}

func lookupAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := lookupAttr(n, key)
	return v
}

// text is the text content of n.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

// pageText is the visible text of a page (script and style left out),
// whitespace collapsed, for assertions on what the buyer sees.
func pageText(body []byte) string {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
