package amqp_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/amqp"
	"github.com/openattendance/attendance/internal/testenv"
)

// received records what the bus hands to the local broker.
type received chan attendance.Message

func (r received) Publish(_ context.Context, msgs ...attendance.Message) error {
	for _, m := range msgs {
		r <- m
	}
	return nil
}

// TestPublishWaitsForTheConnection: a publish while the bus is still
// connecting (a replica starting) is sent once it is connected, instead of
// failing for the job to retry seconds later; it reaches every replica's
// queue, this one's too.
func TestPublishWaitsForTheConnection(t *testing.T) {
	t.Parallel()
	url := testenv.AMQPURL(t)
	got := make(received, 1)
	bus := amqp.New(amqp.Config{URL: url, Exchange: testenv.AMQPExchange(t, url), Local: got, QueueExpiry: time.Minute,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	msg := attendance.Message{ID: "attendance:1", Type: attendance.MessageAttendance, OccurredAt: time.Now().UTC(),
		Event: &attendance.AttendanceEvent{ID: 1, EmployeeID: 1, Type: attendance.Entry}}
	published := make(chan error, 1)
	go func() { published <- bus.Publish(context.Background(), msg) }()
	time.Sleep(100 * time.Millisecond) // the publish waits: nothing is connected yet
	bus.Start(context.Background())
	t.Cleanup(func() { _ = bus.Close() })
	if err := <-published; err != nil {
		t.Fatalf("publish while connecting: %v", err)
	}
	select {
	case m := <-got:
		if m.ID != msg.ID {
			t.Errorf("received %s, want %s", m.ID, msg.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the message did not come back from the broker")
	}
}
