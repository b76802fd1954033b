package web_test

// Browser test of the settings view (#/settings): e-mail per kind, and
// calendar feeds made, copied and revoked; and the admin's e-mail outbox
// view. The service of TestBrowser has no SMTP settings: e-mail is off,
// which the page says, and a test e-mail is refused in the server's words.

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func settingsTests(t *testing.T, b *browser, srv *server, mgr *tab) {
	t.Run("SettingsEmailAndFeeds", func(t *testing.T) {
		mgr := mgr.in(t)
		maria := login(t, srv.URL(), "maria", password)
		mgr.navTo("settings", "settings")
		mgr.wait("the e-mail kinds", `document.querySelector('[data-testid="email-kind-late_arrival"]')`)
		if got := mgr.text("#email-status"); !strings.Contains(got, "E-mail is off") {
			t.Errorf("#email-status = %q, want e-mail off said", got)
		}
		// Late arrivals: off by default, turned on and saved.
		if eval[bool](mgr, `document.querySelector('[data-testid="email-kind-late_arrival"]').checked`) {
			t.Error("late_arrival is on by default")
		}
		mgr.click(`[data-testid="email-kind-late_arrival"]`)
		mgr.click("#email-save")
		var settings struct {
			Kinds []struct {
				Kind  string `json:"kind"`
				Email bool   `json:"email"`
			} `json:"kinds"`
		}
		saved := false
		for range 50 {
			maria.mustDo("GET", "/api/notifications/settings/", nil, http.StatusOK, &settings)
			for _, k := range settings.Kinds {
				saved = saved || k.Kind == "late_arrival" && k.Email
			}
			if saved {
				break
			}
			mgr.wait("a moment", `new Promise((ok) => setTimeout(() => ok(true), 100))`)
		}
		if !saved {
			t.Errorf("late_arrival not saved: %+v", settings.Kinds)
		}

		// A feed of one's own leave: its https and webcal links, which work.
		mgr.click("#feed-create-own")
		mgr.wait("the feed listed", `document.querySelector('.cal-feed[data-kind="own"]')`)
		if !eval[bool](mgr, `document.getElementById('feed-create-own').hidden`) {
			t.Error("the create button is still shown with a live own feed")
		}
		id := eval[string](mgr, `document.querySelector('.cal-feed[data-kind="own"]').dataset.testid.replace('feed-', '')`)
		link := eval[string](mgr, fmt.Sprintf(`document.getElementById('feed-url-%s').value`, id))
		webcal := eval[string](mgr, fmt.Sprintf(`document.getElementById('feed-webcal-%s').value`, id))
		if !strings.HasPrefix(link, srv.URL()+"/calendar/") || webcal != "webcal://"+strings.TrimPrefix(link, "http://") {
			t.Errorf("links %q and %q", link, webcal)
		}
		fetch := func() (int, string) {
			res, err := http.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(body)
		}
		if code, body := fetch(); code != 200 || !strings.HasPrefix(body, "BEGIN:VCALENDAR") {
			t.Errorf("GET the feed's link: %d %.80q", code, body)
		}
		mgr.click(fmt.Sprintf(`[data-testid="feed-copy-%s"]`, id))
		mgr.wait("the copy said", `/copied|by hand/.test(document.getElementById('live-polite')?.textContent || document.body.textContent)`)
		// A team feed too, for a manager.
		mgr.click("#feed-create-team")
		mgr.wait("the team feed listed", `document.querySelector('.cal-feed[data-kind="team"]')`)
		mgr.checkPhone("the settings")

		// Revoked with two presses: gone from the page, and the link is 404.
		revoke := fmt.Sprintf(`[data-testid="feed-revoke-%s"]`, id)
		mgr.click(revoke)
		mgr.click(revoke)
		mgr.wait("the feed gone", `!document.querySelector('.cal-feed[data-kind="own"]') && !document.getElementById('feed-create-own').hidden`)
		if code, _ := fetch(); code != 404 {
			t.Errorf("GET a revoked feed's link: %d, want 404", code)
		}
	})

	t.Run("AdminMailOutbox", func(t *testing.T) {
		adm := b.newTab(t, "admin-mail")
		adm.login("admin", srv.adminPassword)
		adm.navTo("mail", "mail")
		adm.wait("the outbox", `document.querySelector('#mail-table tbody tr')`)
		adm.click("#mail-test-send")
		adm.wait("the refusal said", `document.getElementById('mail-test-error').textContent.trim() !== ''`)
		if got := adm.text("#mail-test-error"); !strings.Contains(got, "e-mail is off") {
			t.Errorf("#mail-test-error = %q, want the server's words", got)
		}
	})
}
