// Package inmem fans live messages out to the subscribers of this process:
// the WebSocket streams of one node. In cluster mode the amqp package feeds it
// with what every replica produced.
package inmem

import (
	"context"
	"sync"

	"github.com/openattendance/attendance"
)

// DefaultBuffer is how many messages a subscriber may fall behind before it
// is dropped: a slow client must not hold up the others.
const DefaultBuffer = 64

// Broker is an in-process attendance.Broker.
type Broker struct {
	mu     sync.RWMutex
	subs   map[*subscription]struct{}
	buffer int
}

var _ attendance.Broker = (*Broker)(nil)

// NewBroker returns a broker whose subscribers may fall buffer messages behind.
func NewBroker(buffer int) *Broker {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Broker{subs: map[*subscription]struct{}{}, buffer: buffer}
}

// Publish delivers each message to every subscriber allowed to see it
// (attendance.Message.VisibleTo). It never blocks on a subscriber: one whose
// buffer is full is dropped.
func (b *Broker) Publish(_ context.Context, msgs ...attendance.Message) error {
	b.mu.RLock()
	var slow []*subscription
	shared := make([]*attendance.Message, len(msgs))
	for i := range msgs {
		shared[i] = &msgs[i]
	}
subs:
	for s := range b.subs {
		for _, m := range shared {
			if !m.VisibleTo(s.actor) {
				continue
			}
			select {
			case s.ch <- m:
			default:
				slow = append(slow, s)
				continue subs // dropped: no later message may reach it past a gap
			}
		}
	}
	b.mu.RUnlock()
	for _, s := range slow {
		s.Close() // its Done tells the reader why
	}
	return nil
}

// Subscribe starts a stream of the messages a may see.
func (b *Broker) Subscribe(a attendance.Actor) attendance.Subscription {
	s := &subscription{b: b, actor: a, ch: make(chan *attendance.Message, b.buffer), done: make(chan struct{})}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Subscribers returns how many subscriptions are open.
func (b *Broker) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}

type subscription struct {
	b     *Broker
	actor attendance.Actor
	ch    chan *attendance.Message
	done  chan struct{}
	once  sync.Once
}

func (s *subscription) C() <-chan *attendance.Message { return s.ch }
func (s *subscription) Done() <-chan struct{}         { return s.done }

// Close ends the subscription.
func (s *subscription) Close() { s.once.Do(s.end) }

func (s *subscription) end() {
	s.b.mu.Lock()
	delete(s.b.subs, s)
	s.b.mu.Unlock()
	close(s.done)
}
