package web_test

// Driving Chromium for the browser tests: one headless browser per test run,
// one tab (in its own browser context, so its own storage) per user, and a
// record of every URL any tab requests.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// waitTimeout bounds every wait for the page.
const waitTimeout = 15 * time.Second

// request is one request a page made, as the browser reported it.
type request struct {
	Tab, Method, URL string
	Headers          network.Headers
}

// browser is one Chromium process.
type browser struct {
	ctx        context.Context
	base, zone string

	mu         sync.Mutex
	requests   []request
	exceptions []string
}

// mustStartBrowser launches Chromium headless with a fresh profile. Its
// tabs run in time zone zone, the server's company zone, so the page's
// local times match the server's, and in the en-US locale.
func mustStartBrowser(t testing.TB, path, base, zone string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return &browser{ctx: ctx, base: base, zone: zone}
}

// Requests returns every request made so far by every tab.
func (b *browser) Requests() []request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]request(nil), b.requests...)
}

// tab is one page, signed in as at most one user.
type tab struct {
	t    testing.TB
	b    *browser
	name string
	ctx  context.Context
}

// newTab opens a tab in a new browser context (its own sessionStorage and
// cookies) at the desktop size, and closes it when the test ends.
func (b *browser) newTab(t testing.TB, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(func(ev any) {
			// Runs in the tab's event loop: record and return.
			b.mu.Lock()
			defer b.mu.Unlock()
			switch ev := ev.(type) {
			case *network.EventRequestWillBeSent:
				if ev.Request != nil {
					b.requests = append(b.requests, request{Tab: name, Method: ev.Request.Method, URL: ev.Request.URL + ev.Request.URLFragment, Headers: ev.Request.Headers})
				}
			case *network.EventWebSocketCreated:
				b.requests = append(b.requests, request{Tab: name, Method: "WEBSOCKET", URL: ev.URL})
			case *runtime.EventExceptionThrown:
				if d := ev.ExceptionDetails; d != nil {
					msg := d.Text
					if d.Exception != nil && d.Exception.Description != "" {
						msg += " " + d.Exception.Description
					}
					b.exceptions = append(b.exceptions, fmt.Sprintf("%s: %s (%s:%d)", name, msg, d.URL, d.LineNumber+1))
				}
			}
		}),
	)
	t.Cleanup(cancel)
	place := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: b.zone}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "en_US"})
		return err
	})
	if err := chromedp.Do(ctx, place, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	return &tab{t: t, b: b, name: name, ctx: ctx}
}

// in returns the tab for use by the (sub)test t.
func (tb *tab) in(t testing.TB) *tab {
	c := *tb
	c.t = t
	return &c
}

// do runs actions with a time limit and fails the test on an error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %s: %v\n%s", tb.name, what, err, tb.snapshot())
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: evaluate %s: %v", tb.name, expr, err)
	}
	return v
}

// wait polls a JavaScript predicate until it is truthy and returns its value
// as JSON text; after waitTimeout the test fails, saying what it waited for.
func (tb *tab) wait(what, predicate string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout+5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Poll[[]byte](predicate,
		chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		tb.t.Fatalf("%s: waiting for %s (%s): %v\n%s", tb.name, what, predicate, err, tb.snapshot())
	}
	return string(raw)
}

// snapshot describes the page for a failure message.
func (tb *tab) snapshot() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 3000) : "")`))
	if err != nil {
		return fmt.Sprintf("(no snapshot: %v)", err)
	}
	return "page text:\n" + s
}

// text returns the trimmed textContent of the element with that CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").trim().replace(/\s+/g, " ")`, jsString(sel)))
}

// click waits until the element is visible and enabled, then clicks it
// with the mouse.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do("click "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.WaitEnabled(chromedp.CSS(sel)),
		chromedp.Click(chromedp.CSS(sel)),
	)
}

// setValue sets a form field's value as a date picker would, with the input
// and change events the app listens to.
func (tb *tab) setValue(sel, value string) {
	tb.t.Helper()
	eval[chromedp.Void](tb, fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.value = %s;
		el.dispatchEvent(new Event('input', { bubbles: true }));
		el.dispatchEvent(new Event('change', { bubbles: true }));
	})()`, jsString(sel), jsString(value)))
}

// open loads the app and waits for the login form or the app.
func (tb *tab) open() {
	tb.t.Helper()
	tb.do("open the app", chromedp.Navigate(tb.b.base+"/"))
	tb.wait("the app to start", `!document.getElementById('boot-view') || document.getElementById('boot-view').hidden`)
}

// login opens the app, signs in by typing into the form, and waits for the
// live connection.
func (tb *tab) login(username, password string) {
	tb.t.Helper()
	tb.open()
	tb.do("sign in as "+username,
		chromedp.WaitVisible(chromedp.ID("login-username")),
		chromedp.SendKeys(chromedp.ID("login-username"), username),
		chromedp.SendKeys(chromedp.ID("login-password"), password),
		chromedp.Click(chromedp.ID("login-submit")),
	)
	tb.wait("the signed-in app", `!document.getElementById('app-view').hidden && document.getElementById('whoami').dataset.username === `+jsString(username))
	tb.waitLive()
}

// waitLive waits until the live connection is up.
func (tb *tab) waitLive() {
	tb.t.Helper()
	tb.wait("the live connection", `document.getElementById('connection-status').dataset.state === 'live'`)
}

// session returns the access token the page keeps in sessionStorage.
func (tb *tab) session() (token, refresh string) {
	tb.t.Helper()
	v := eval[[]string](tb, `[sessionStorage.getItem('attendance.token') || '', sessionStorage.getItem('attendance.refresh') || '']`)
	return v[0], v[1]
}

// screenshot saves a full-page PNG of the tab at width×height CSS pixels
// and puts the desktop size back afterwards.
func (tb *tab) screenshot(name string, width, height int64, mobile bool) {
	tb.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	calm := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// No transitions or animations mid-frame, and no toast over the page.
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}, {Name: "prefers-color-scheme", Value: "light"}},
		})
		return err
	})
	tb.do("resize for "+name, calm, chromedp.EmulateViewport(width, height, opts...))
	// Let the layout and the chart (redrawn on resize) settle.
	if !eval[bool](tb, fmt.Sprintf(`new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(window.innerWidth === %d))))`, width)) {
		tb.t.Fatalf("the page is not %d pixels wide", width)
	}
	eval[chromedp.Void](tb, `document.querySelectorAll('.toast.show').forEach((n) => n.classList.remove('show')); window.scrollTo(0, 0)`)
	if chart := eval[bool](tb, `!!document.querySelector('#overview-chart svg') && !document.getElementById('home-view').hidden`); chart {
		tb.wait("the chart at the new width", `Math.abs(Number(document.getElementById('overview-chart').getAttribute('width')) - document.getElementById('overview-chart').parentElement.clientWidth) < 16`)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	writeFile(tb.t, name, png)
	tb.t.Logf("wrote %s", name)
	tb.do("back to the desktop size", chromedp.EmulateViewport(1280, 800),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
			return err
		}))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkNoExceptions fails the test for every uncaught exception any page threw.
func (b *browser) checkNoExceptions(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.exceptions {
		t.Errorf("uncaught exception in the page: %s", e)
	}
}

// hasPrefixFold is strings.HasPrefix ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
