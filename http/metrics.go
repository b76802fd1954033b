package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	sockets   prometheus.Gauge
	pushed    *prometheus.CounterVec
	dropped   prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendance_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "attendance_http_request_duration_seconds", Help: "HTTP request durations by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		sockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "attendance_websockets_open", Help: "Open notification WebSockets.",
		}),
		pushed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendance_websocket_messages_total", Help: "Messages written to WebSockets by type.",
		}, []string{"type"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "attendance_websocket_slow_clients_dropped_total", Help: "WebSockets closed because the client read too slowly.",
		}),
	}
	reg.MustRegister(m.requests, m.durations, m.sockets, m.pushed, m.dropped)
	return m
}

// observe counts a request. Every label comes from a fixed set, whatever the
// client sent: a method outside the standard ones is "other", a route is a
// registered pattern or "other", and a status outside 100–599 is "other".
// A client that makes up methods or paths cannot add series.
func (m *metrics) observe(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(methodLabel(method), route, statusLabel(status)).Inc()
	m.durations.WithLabelValues(route).Observe(took.Seconds())
}

// methodLabel is method when it is one of HTTP's standard methods, else "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return otherLabel
}

// statusLabel is the status code as text, or "other" outside 100–599.
func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return otherLabel
	}
	return strconv.Itoa(status)
}

// otherLabel is the one label value of everything outside a label's fixed set.
const otherLabel = "other"

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
