// Package amqp carries the service's events between replicas through
// RabbitMQ (rabbitmq/amqp091-go), and offers them to integrations.
//
// Every event is published, persistent and with publisher confirms, to a
// durable topic exchange (attendance.events by default) under its topic as
// routing key: attendance.entry, attendance.exit, attendance.voided,
// notification.<kind>, leave.<status>, session.revoked. The body is the JSON
// of attendance.Message; its "id" is unique, so consumers drop duplicates.
//
// Each replica consumes into its in-process broker through its own durable
// queue, which outlives a broker restart or a cut connection (and expires a
// while after its replica is gone), so events published while the replica is
// reconnecting wait for it. The replica reconnects by itself.
package amqp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/dedupe"
)

// DefaultExchange is the topic exchange the events are published to.
const DefaultExchange = "attendance.events"

// replicaBindings are the topics a replica needs for its WebSockets.
var replicaBindings = []string{"attendance.*", "notification.*", "session.*", "user.*"}

// Config configures a Bus.
type Config struct {
	URL      string
	Exchange string // default attendance.events
	// Local receives what any replica published; nil: publish only (a worker).
	Local attendance.Publisher
	// QueueExpiry is how long a replica's queue outlives its last consumer.
	QueueExpiry time.Duration // default 10 minutes
	Logger      *slog.Logger
}

// Bus publishes to RabbitMQ and consumes into the local broker.
type Bus struct {
	cfg   Config
	queue string

	mu   sync.Mutex
	conn *amqp091.Connection
	pub  *amqp091.Channel // in confirm mode
	up   chan struct{}    // closed while connected; replaced on disconnect

	seenMu sync.Mutex
	seen   *dedupe.Window[string]
	cancel context.CancelFunc
	done   chan struct{}
}

var _ attendance.Publisher = (*Bus)(nil)

// New returns a bus; Start connects it.
func New(cfg Config) *Bus {
	if cfg.Exchange == "" {
		cfg.Exchange = DefaultExchange
	}
	if cfg.QueueExpiry <= 0 {
		cfg.QueueExpiry = 10 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Bus{cfg: cfg, queue: "attendance.replica." + hex.EncodeToString(b), up: make(chan struct{}), seen: dedupe.New[string](10000), done: make(chan struct{})}
}

// Start connects in the background and keeps reconnecting until Close. It
// waits up to a few seconds for the first connection, and goes on without it:
// a broker outage delays events, it never stops the service.
func (b *Bus) Start(ctx context.Context) {
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	go b.run(ctx)
	b.mu.Lock()
	up := b.up
	b.mu.Unlock()
	select {
	case <-up:
	case <-time.After(5 * time.Second):
		b.cfg.Logger.Warn("the message broker is not reachable yet; events wait in the database until it is", "exchange", b.cfg.Exchange)
	}
}

// Close disconnects.
func (b *Bus) Close() error {
	if b.cancel == nil {
		return nil
	}
	b.cancel()
	<-b.done
	return nil
}

func (b *Bus) run(ctx context.Context) {
	defer close(b.done)
	backoff := 500 * time.Millisecond
	for ctx.Err() == nil {
		closed, err := b.connect(ctx)
		if err != nil {
			b.cfg.Logger.Warn("message broker: cannot connect", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 500 * time.Millisecond
		b.cfg.Logger.Info("message broker connected", "exchange", b.cfg.Exchange, "queue", b.queue)
		select {
		case <-ctx.Done():
		case err := <-closed:
			b.cfg.Logger.Warn("message broker connection lost; reconnecting", "err", err)
		}
		b.disconnect()
	}
}

// connect dials, declares the exchange (and the replica's queue), and starts consuming.
func (b *Bus) connect(ctx context.Context) (<-chan *amqp091.Error, error) {
	conn, err := amqp091.DialConfig(b.cfg.URL, amqp091.Config{
		Heartbeat:  10 * time.Second,
		Properties: amqp091.Table{"connection_name": "attendance " + b.queue},
	})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (<-chan *amqp091.Error, error) {
		conn.Close()
		return nil, err
	}
	pub, err := conn.Channel()
	if err != nil {
		return fail(err)
	}
	if err := pub.ExchangeDeclare(b.cfg.Exchange, "topic", true, false, false, false, nil); err != nil {
		return fail(fmt.Errorf("declare exchange: %w", err))
	}
	if err := pub.Confirm(false); err != nil {
		return fail(fmt.Errorf("confirm mode: %w", err))
	}
	if b.cfg.Local != nil {
		if err := b.consume(ctx, conn); err != nil {
			return fail(err)
		}
	}
	closed := conn.NotifyClose(make(chan *amqp091.Error, 1))
	b.mu.Lock()
	b.conn, b.pub = conn, pub
	close(b.up)
	b.mu.Unlock()
	return closed, nil
}

func (b *Bus) disconnect() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		b.conn.Close()
	}
	b.conn, b.pub = nil, nil
	b.up = make(chan struct{})
}

// consume declares the replica's durable queue, binds it and feeds the local broker.
func (b *Bus) consume(ctx context.Context, conn *amqp091.Connection) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	args := amqp091.Table{"x-expires": int32(b.cfg.QueueExpiry / time.Millisecond)}
	if _, err := ch.QueueDeclare(b.queue, true, false, false, false, args); err != nil {
		return fmt.Errorf("declare queue: %w", err)
	}
	for _, key := range replicaBindings {
		if err := ch.QueueBind(b.queue, key, b.cfg.Exchange, false, nil); err != nil {
			return fmt.Errorf("bind queue: %w", err)
		}
	}
	if err := ch.Qos(256, 0, false); err != nil {
		return err
	}
	deliveries, err := ch.Consume(b.queue, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	go func() {
		for d := range deliveries {
			var m attendance.Message
			if err := json.Unmarshal(d.Body, &m); err != nil {
				b.cfg.Logger.Error("message broker: undecodable message dropped", "err", err, "routing_key", d.RoutingKey)
				_ = d.Ack(false)
				continue
			}
			b.seenMu.Lock()
			fresh := b.seen.Add(m.ID)
			b.seenMu.Unlock()
			if fresh {
				_ = b.cfg.Local.Publish(ctx, m)
			}
			_ = d.Ack(false)
		}
	}()
	return nil
}

// ErrUnavailable means the broker is not connected; the caller retries later.
var ErrUnavailable = errors.New("the message broker is not connected")

// connectWait is how long Publish waits for a connection under way (a
// replica starting, or reconnecting) before it fails.
const connectWait = 5 * time.Second

// Publish publishes the messages persistently and waits until the broker has
// confirmed every one. It fails when the broker is away for longer than
// connectWait; the publish job retries.
func (b *Bus) Publish(ctx context.Context, msgs ...attendance.Message) error {
	b.mu.Lock()
	ch, up := b.pub, b.up
	b.mu.Unlock()
	if ch == nil {
		// A replica just started publishes the events committed meanwhile
		// as soon as it is connected, not at the job's next retry.
		select {
		case <-up:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(connectWait):
			return ErrUnavailable
		}
		b.mu.Lock()
		ch = b.pub
		b.mu.Unlock()
		if ch == nil {
			return ErrUnavailable
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	confirms := make([]*amqp091.DeferredConfirmation, 0, len(msgs))
	for _, m := range msgs {
		body, err := json.Marshal(m)
		if err != nil {
			return err
		}
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, b.cfg.Exchange, m.Topic(), false, false, amqp091.Publishing{
			ContentType:  "application/json",
			DeliveryMode: amqp091.Persistent,
			MessageId:    m.ID,
			Timestamp:    m.OccurredAt,
			Type:         string(m.Type),
			Body:         body,
		})
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		confirms = append(confirms, dc)
	}
	for _, dc := range confirms {
		ok, err := dc.WaitContext(ctx)
		if err != nil {
			return fmt.Errorf("publish confirm: %w", err)
		}
		if !ok {
			return errors.New("the broker refused a message (nack)")
		}
	}
	return nil
}
