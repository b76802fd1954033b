package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// mailOn turns e-mail on for the store, without a job queue (the rows wait
// for a claim, as for the sweep).
func mailOn(e *env) *sqlstore.MailService {
	e.SetMail(sqlstore.MailConfig{Domain: "test.attendance", Settings: attendance.MailSettings{
		Host: "127.0.0.1", Port: 2525, Security: attendance.MailNone, From: "a@example.com", PublicURL: "https://a.example.com"}})
	return sqlstore.NewMailService(e.DB.DB)
}

func withEmail(addr string) func(*attendance.EmployeeFields) {
	return func(f *attendance.EmployeeFields) { f.Email = &addr }
}

func TestMailOutbox(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("QueuedWithTheNotification", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mail := mailOn(e)
			mgr := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil, withEmail("boss@example.com"))
			emp := e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID, withEmail("emp@example.com"))
			quiet := e.mustCreate(t, mgr.Actor(), "quiet", attendance.RoleEmployee, &mgr.ID) // no address
			r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-04", "2026-11-04")
			m, err := mail.ClaimMail(ctx, 0, e.Clock.Now())
			if err != nil || m == nil {
				t.Fatalf("claim: %v, %v", m, err)
			}
			if m.RecipientID != mgr.ID || m.Kind != string(attendance.NotifyLeaveRequested) || m.Mail.To != "boss@example.com" ||
				m.NotificationID == nil || m.Mail.MessageID != attendance.MailMessageID(*m.NotificationID, "test.attendance") || m.Attempts != 1 {
				t.Errorf("claimed %+v", m)
			}
			if again, err := mail.ClaimMail(ctx, m.ID, e.Clock.Now()); err != nil || again != nil {
				t.Errorf("claimed twice: %+v, %v", again, err)
			}
			// Off for a kind: no row; the notification is stored all the same.
			if _, err := mail.UpdateEmailSettings(ctx, emp.Actor(), map[attendance.NotificationKind]bool{attendance.NotifyLeaveDecided: false}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
				t.Fatal(err)
			}
			e.mustRequest(t, quiet.Actor(), attendance.LeaveSick, "2026-11-05", "2026-11-05")
			list, n, err := mail.ListOutbox(ctx, e.Admin, nil, attendance.Page{})
			if err != nil || n != 2 {
				t.Fatalf("outbox %d %+v, %v; want the boss's two", n, list, err)
			}
			for _, x := range list {
				if x.RecipientID != mgr.ID {
					t.Errorf("an e-mail to %d", x.RecipientID)
				}
			}
			if _, _, err := mail.ListOutbox(ctx, mgr.Actor(), nil, attendance.Page{}); err == nil {
				t.Error("a manager lists the outbox")
			}
		})

		// A late clock-in's e-mail to the manager: its outbox row and its
		// job are written by the clock's own write (on PostgreSQL its
		// pipeline, whose transaction the job is inserted in).
		for _, later := range []bool{false, true} {
			name := "QueuedWithALateArrival"
			if later {
				name += "IDsReadLater"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				if later {
					// Cluster mode: the notification's insert is not read for its
					// id (queueNotifications), but the read of the recipient's
					// address reads it, in the same round trip.
					e.Emitter = idsLater{e.Emitted}
				}
				mail := mailOn(e)
				var mu sync.Mutex
				var queued []string
				e.SetMail(sqlstore.MailConfig{Domain: "test.attendance", Settings: attendance.MailSettings{
					Host: "127.0.0.1", Port: 2525, Security: attendance.MailNone, From: "a@example.com", PublicURL: "https://a.example.com"},
					Queue: func(_ context.Context, tx any, id int64) error {
						mu.Lock()
						defer mu.Unlock()
						queued = append(queued, fmt.Sprintf("%d in %T", id, tx))
						if tx == nil || fmt.Sprint(tx) == "<nil>" {
							return fmt.Errorf("outbox row %d queued outside a transaction", id)
						}
						return nil
					}})
				mgr := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil, withEmail("boss@example.com"))
				emp := e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID)
				if _, err := mail.UpdateEmailSettings(ctx, mgr.Actor(), map[attendance.NotificationKind]bool{attendance.NotifyLateArrival: true}); err != nil {
					t.Fatal(err)
				}
				if ev := e.clockAt(t, emp.Actor(), "2026-11-03T08:30:00Z", attendance.Entry); !ev.Late {
					t.Fatalf("08:30: %+v, want late", ev)
				}
				list, n, err := mail.ListOutbox(ctx, e.Admin, nil, attendance.Page{})
				if err != nil || n != 1 || list[0].Kind != string(attendance.NotifyLateArrival) || list[0].RecipientID != mgr.ID {
					t.Fatalf("outbox %d %+v, %v; want the boss's late arrival", n, list, err)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(queued) != 1 {
					t.Errorf("queued %v, want the one row", queued)
				} else if kind == "postgres" && strings.Contains(queued[0], "sql.Tx") {
					t.Errorf("queued %v: want it in the clock's pipeline, not a database/sql transaction", queued)
				}
				stored, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 10)
				if err != nil || len(stored) != 1 {
					t.Fatalf("notifications %+v, %v; want the late arrival", stored, err)
				}
				if id := list[0].NotificationID; id == nil || *id != stored[0].ID {
					t.Errorf("the outbox row's notification %v, want %d", id, stored[0].ID)
				}
				msgs := e.Emitted.Of(attendance.MessageNotification)
				if len(msgs) != 1 || msgs[0].ID != fmt.Sprint("notification:", stored[0].ID) || msgs[0].Notification.ID != stored[0].ID {
					t.Errorf("messages %+v, want notification %d's", msgs, stored[0].ID)
				}
			})
		}

		// Two workers (and more) claiming at once: each row once.
		t.Run("ClaimedOnceAcrossWorkers", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mail := mailOn(e)
			mgr := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil, withEmail("boss@example.com"))
			const n = 24
			for i := range n {
				emp := e.mustCreate(t, mgr.Actor(), fmt.Sprintf("emp%d", i), attendance.RoleEmployee, &mgr.ID)
				e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-04", "2026-11-04")
			}
			var mu sync.Mutex
			claims := map[int64]int{}
			var wg sync.WaitGroup
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						m, err := mail.ClaimMail(ctx, 0, e.Clock.Now())
						if err != nil {
							t.Error(err)
							return
						}
						if m == nil {
							return
						}
						mu.Lock()
						claims[m.ID]++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(claims) != n {
				t.Errorf("%d rows claimed, want %d", len(claims), n)
			}
			for id, c := range claims {
				if c != 1 {
					t.Errorf("row %d claimed %d times", id, c)
				}
			}
		})

		t.Run("Outcomes", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mail := mailOn(e)
			mgr := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil, withEmail("boss@example.com"))
			for i := range 4 {
				emp := e.mustCreate(t, mgr.Actor(), fmt.Sprintf("emp%d", i), attendance.RoleEmployee, &mgr.ID)
				e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-04", "2026-11-04")
			}
			now := e.Clock.Now()
			claim := func(at time.Time) *attendance.OutboxMail {
				t.Helper()
				m, err := mail.ClaimMail(ctx, 0, at)
				if err != nil || m == nil {
					t.Fatalf("claim at %s: %v, %v", at, m, err)
				}
				return m
			}
			status := func(id int64) attendance.OutboxEntry {
				t.Helper()
				list, _, err := mail.ListOutbox(ctx, e.Admin, nil, attendance.Page{})
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range list {
					if x.ID == id {
						return *x
					}
				}
				t.Fatalf("row %d not listed", id)
				return attendance.OutboxEntry{}
			}
			sent, retry, refused, unknown := claim(now), claim(now), claim(now), claim(now)
			for m, o := range map[*attendance.OutboxMail]attendance.MailOutcome{sent: attendance.MailDelivered, retry: attendance.MailTryAgain,
				refused: attendance.MailRefused, unknown: attendance.MailUnknown} {
				if err := mail.FinishMail(ctx, m, o, "why", now); err != nil {
					t.Fatal(err)
				}
			}
			for m, want := range map[*attendance.OutboxMail]attendance.MailStatus{sent: attendance.MailSent, retry: attendance.MailQueued,
				refused: attendance.MailFailed, unknown: attendance.MailUncertain} {
				if got := status(m.ID); got.Status != want {
					t.Errorf("row %d: %s, want %s", m.ID, got.Status, want)
				}
			}
			// The retry waits its minute, then is due again; after 72 hours it gives up.
			if m, err := mail.ClaimMail(ctx, 0, now.Add(59*time.Second)); err != nil || m != nil {
				t.Errorf("claimed before its retry: %+v, %v", m, err)
			}
			m := claim(now.Add(time.Minute))
			if m.ID != retry.ID || m.Attempts != 2 {
				t.Errorf("retry %+v", m)
			}
			if err := mail.FinishMail(ctx, m, attendance.MailTryAgain, "still down", now.Add(attendance.MailGiveUpAfter)); err != nil {
				t.Fatal(err)
			}
			if got := status(m.ID); got.Status != attendance.MailFailed {
				t.Errorf("after 72 hours: %+v", got)
			}
			// A worker that died while sending: uncertain after ten minutes, never sent again.
			emp := e.mustCreate(t, mgr.Actor(), "late", attendance.RoleEmployee, &mgr.ID)
			e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-05", "2026-11-05")
			dead := claim(now)
			if n, err := mail.SweepMail(ctx, now.Add(attendance.MailStaleAfter-time.Second)); err != nil || n != 0 {
				t.Errorf("swept early: %d, %v", n, err)
			}
			if n, err := mail.SweepMail(ctx, now.Add(attendance.MailStaleAfter+time.Second)); err != nil || n != 1 {
				t.Errorf("swept %d, %v; want 1", n, err)
			}
			if got := status(dead.ID); got.Status != attendance.MailUncertain {
				t.Errorf("dead worker's row: %+v", got)
			}
			if err := mail.FinishMail(ctx, dead, attendance.MailDelivered, "", now); err != nil {
				t.Fatal(err)
			}
			if got := status(dead.ID); got.Status != attendance.MailUncertain {
				t.Errorf("a late finish changed an uncertain row: %+v", got)
			}
		})
	})
}
