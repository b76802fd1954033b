// Package http serves the API (huma on net/http, so the OpenAPI document is
// generated from the handlers' own types), the WebSocket stream, Swagger UI,
// the web app, health checks and metrics.
package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/openattendance/attendance"
)

// MaxBodyBytes is the largest request body accepted (413 above).
const MaxBodyBytes = 1 << 20

// Config configures the server.
type Config struct {
	// Addr is the listen address, e.g. 127.0.0.1:8000 (":0" picks a port).
	Addr string
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// AllowedOrigins may call the API from a browser on another origin (CORS)
	// and open the WebSocket; the server's own origin always may.
	AllowedOrigins []string
	// Version is shown in the OpenAPI document.
	Version string
	// WebApp serves the web app at /; nil serves nothing there.
	WebApp http.Handler
	// Registry takes the server's metrics; nil makes a private one.
	Registry *prometheus.Registry
	// PublicURL is the service's address as users reach it
	// (ATTENDANCE_PUBLIC_URL); "" when unknown. Calendar feed URLs are
	// absolute with it.
	PublicURL string
}

// Server is the HTTP server. Set the services before Open.
type Server struct {
	cfg    Config
	ln     net.Listener
	srv    *http.Server
	mux    *http.ServeMux
	api    huma.API
	stream *streams

	Logger        *slog.Logger
	Auth          attendance.AuthService
	Company       attendance.CompanyService
	Employees     attendance.EmployeeService
	Attendance    attendance.AttendanceService
	Corrections   attendance.CorrectionService
	Overtime      attendance.OvertimeService
	Leave         attendance.LeaveService
	Approvals     attendance.ApprovalService
	LeaveTypes    attendance.LeaveTypeService
	Ledger        attendance.LeaveLedgerService
	Allowances    attendance.AllowanceService
	LedgerJobs    attendance.LedgerJobService
	Holidays      attendance.HolidayService
	Notifications attendance.NotificationService
	Feeds         attendance.FeedService
	DecisionLinks attendance.DecisionLinkService
	Mail          attendance.MailService
	Shifts        attendance.ShiftService
	Broker        attendance.Broker
	// Ready reports whether the service can take requests (the database answers).
	Ready func(ctx context.Context) error

	metrics *metrics
	closing chan struct{}
	canOnce sync.Once
	can     map[attendance.Role][]string // operationsFor
	once    sync.Once
}

// NewServer returns a server with every route registered.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(), Logger: slog.Default(), closing: make(chan struct{})}
	s.metrics = newMetrics(cfg.Registry)
	s.stream = newStreams(s)

	hc := huma.DefaultConfig("Attendance API", cfg.Version)
	hc.Info.Description = "Employee attendance and leave: clock in and out, lateness, leave requests and balances, " +
		"the manager overview and live notifications. Errors are RFC 9457 problem+json with a stable `code`."
	hc.DocsPath = ""    // Swagger UI is served from embedded assets at /swagger/
	hc.SchemasPath = "" // no $schema links in bodies: the contract's shapes, exactly
	hc.CreateHooks = nil
	hc.Formats = jsonFormats()
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: "The `token` from POST /api/users/login/"},
	}
	s.api = huma.NewAPI(hc, adapter{s.mux})
	registerAliases(s.api.OpenAPI().Components.Schemas)
	s.api.UseMiddleware(s.authenticate, s.checkInput)

	s.routes()
	declareNulls(s.api.OpenAPI().Components.Schemas)
	return s
}

// adapter mounts huma operations on a ServeMux. A path that ends in a slash
// matches exactly that path, not everything below it.
type adapter struct{ mux *http.ServeMux }

func (a adapter) Handle(op *huma.Operation, handler func(huma.Context)) {
	pattern := op.Path
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}"
	}
	a.mux.HandleFunc(op.Method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		handler(humago.NewContext(op, r, w))
	})
}

func (a adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// API returns the huma API, e.g. for its OpenAPI document.
func (s *Server) API() huma.API { return s.api }

// Handler returns the whole HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.recoverer(s.instrument(s.secure(s.cors(s.slashes(s.mux)))))
}

// Open starts listening and serving.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second, // a slowloris client cannot hold a connection with a trickle of headers
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close stops accepting requests, closes the live streams, and waits for
// requests in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	s.once.Do(func() { close(s.closing) })
	if s.srv == nil {
		return nil
	}
	s.srv.RegisterOnShutdown(s.stream.closeAll)
	return s.srv.Shutdown(ctx)
}

type ctxKey int

const (
	actorKey ctxKey = iota
	requestKey
)

// actorFrom returns the authenticated caller.
func actorFrom(ctx context.Context) attendance.Actor {
	a, _ := ctx.Value(actorKey).(attendance.Actor)
	return a
}

func requestFrom(ctx context.Context) *http.Request {
	r, _ := ctx.Value(requestKey).(*http.Request)
	return r
}

// access is the role an operation needs: every operation with security needs a
// token; these metadata values also need a role.
const (
	accessManager = "manager"
	accessAdmin   = "admin"
)

// authenticate checks the bearer token of operations that need one, and the
// role of those that need more, before any input is parsed: an anonymous or
// unprivileged caller learns nothing from validation errors.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(ctx)
	ctx = huma.WithValue(ctx, requestKey, r)
	op := ctx.Operation()
	if len(op.Security) == 0 {
		next(ctx)
		return
	}
	token, ok := bearer(ctx.Header("Authorization"))
	if !ok {
		s.writeProblem(ctx, attendance.ErrUnauthorized("an Authorization: Bearer <token> header is required"))
		return
	}
	a, err := s.Auth.Authenticate(ctx.Context(), token)
	if err != nil {
		s.writeProblem(ctx, err)
		return
	}
	if err := allows(op.Metadata["access"], a); err != nil {
		s.writeProblem(ctx, err)
		return
	}
	next(huma.WithValue(ctx, actorKey, a))
}

// allows is the one check of an operation's access level (its metadata)
// against the caller's role: authenticate applies it to every request, and
// GET /api/users/me/ lists with it what the caller may call (`can`).
func allows(access any, a attendance.Actor) error {
	switch access {
	case accessManager:
		return attendance.RequireManagerAccess(a)
	case accessAdmin:
		return attendance.RequireAdmin(a)
	}
	return nil
}

// operationsFor lists the operation ids of the API that need a token and
// that the actor's role may call, sorted. Whether an object is in the
// caller's scope is still decided per request.
func (s *Server) operationsFor(a attendance.Actor) []string {
	s.canOnce.Do(func() {
		s.can = map[attendance.Role][]string{}
		for _, item := range s.api.OpenAPI().Paths {
			for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
				if op == nil || len(op.Security) == 0 {
					continue
				}
				for _, r := range []attendance.Role{attendance.RoleEmployee, attendance.RoleManager, attendance.RoleAdmin} {
					if allows(op.Metadata["access"], attendance.Actor{Role: r}) == nil {
						s.can[r] = append(s.can[r], op.OperationID)
					}
				}
			}
		}
		for r, ids := range s.can {
			s.can[r] = append(ids, attendance.RolePermissions(attendance.Actor{Role: r})...)
			slices.Sort(s.can[r])
		}
	})
	return s.can[a.Role]
}

// checkInput refuses, for every operation alike, what no handler should
// see: a body sent as something other than JSON (415), so that a browser
// cannot post one across sites without asking first (a text/plain or form
// post needs no preflight), and a query parameter of the operation that is
// not UTF-8 text (422; parameters the operation does not take are ignored).
// Bodies are checked as they are decoded (decode.go).
func (s *Server) checkInput(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if op.RequestBody != nil {
		r, _ := humago.Unwrap(ctx)
		if ct := r.Header.Get("Content-Type"); op.RequestBody.Content[csvType] != nil {
			if !isCSV(ct) {
				s.writeProblem(ctx, newProblem(http.StatusUnsupportedMediaType, "", "the body must be a CSV file, sent with Content-Type: text/csv", nil))
				return
			}
			if r.ContentLength == 0 {
				s.writeProblem(ctx, attendance.InvalidField("body", "is empty: send the CSV file, its first line naming the columns"))
				return
			}
		} else if ct != "" || r.ContentLength != 0 {
			if !isJSON(ct) {
				s.writeProblem(ctx, newProblem(http.StatusUnsupportedMediaType, "", "the body must be JSON, sent with Content-Type: application/json", nil))
				return
			}
			// huma matches the type by its exact spelling: give it the one it knows.
			r.Header.Set("Content-Type", "application/json")
		}
	}
	var v attendance.Validator
	var query url.Values
	for _, p := range op.Parameters {
		if p.In != "query" {
			continue
		}
		if query == nil {
			u := ctx.URL()
			query = u.Query()
		}
		for _, value := range query[p.Name] {
			if !utf8.ValidString(value) {
				v.Add("query."+p.Name, "must be UTF-8 text")
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		s.writeProblem(ctx, err)
		return
	}
	next(ctx)
}

// isCSV reports whether a Content-Type is text/csv, in UTF-8 if a charset is given.
func isCSV(contentType string) bool {
	t, params, err := mime.ParseMediaType(contentType)
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return err == nil && t == csvType
}

// isJSON reports whether a Content-Type is JSON: application/json or
// application/<something>+json, in UTF-8 if a charset is given.
func isJSON(contentType string) bool {
	t, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	sub, ok := strings.CutPrefix(t, "application/")
	return ok && (sub == "json" || strings.HasSuffix(sub, "+json") && len(sub) > len("+json"))
}

func (s *Server) writeProblem(ctx huma.Context, err error) {
	p, ok := err.(*Problem)
	if !ok {
		p = s.problemFrom(ctx.Context(), err).(*Problem)
	}
	for k, v := range p.headers {
		ctx.SetHeader(k, v[0])
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	enc := json.NewEncoder(ctx.BodyWriter())
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

func bearer(h string) (string, bool) {
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(h[len(prefix):]), true
}

// register adds an operation whose handler returns service errors; they become problems.
func register[I, O any](s *Server, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if op.MaxBodyBytes == 0 {
		// huma refuses a body that reaches its limit: one byte more, so that
		// a body of exactly MaxBodyBytes is read and one over it is refused.
		op.MaxBodyBytes = MaxBodyBytes + 1
	}
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.problemFrom(ctx, err)
		}
		return out, nil
	})
}

// secured marks an operation as needing a token (and maybe a role).
func secured(op huma.Operation, access string) huma.Operation {
	op.Security = []map[string][]string{{"bearer": {}}}
	if access != "" {
		if op.Metadata == nil {
			op.Metadata = map[string]any{}
		}
		op.Metadata["access"] = access
	}
	return op
}

// listBody is the contract's list shape.
type listBody[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// PageParams are the limit/offset query parameters of every list (exported:
// see IDPath).
type PageParams struct {
	Limit  int `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Page size"`
	Offset int `query:"offset" minimum:"0" default:"0" doc:"Rows to skip"`
}

func (p PageParams) page() attendance.Page {
	return attendance.Page{Limit: p.Limit, Offset: p.Offset}
}

// listOf builds the list body, with next/previous links to the neighbouring
// pages: a path and a query, on this server.
func listOf[T any](ctx context.Context, p PageParams, count int, results []T) listBody[T] {
	b := listBody[T]{Count: count, Results: results}
	if b.Results == nil {
		b.Results = []T{}
	}
	limit := p.Limit
	if limit <= 0 {
		limit = attendance.DefaultPageLimit
	}
	r := requestFrom(ctx)
	link := func(offset int) *string {
		if r == nil {
			return nil
		}
		// Relative: a link built from the Host header would point wherever
		// the client (or a poisoned cache in front of us) says.
		q := r.URL.Query()
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(offset))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		s := u.String()
		return &s
	}
	if p.Offset+len(results) < count && len(results) > 0 {
		b.Next = link(p.Offset + limit)
	}
	if p.Offset > 0 {
		b.Previous = link(max(0, p.Offset-limit))
	}
	return b
}

// registerAliases tells the schema generator how domain types look on the wire.
func registerAliases(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[attendance.Date](), reflect.TypeFor[dateSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[*attendance.Date](), reflect.TypeFor[*dateSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.TimeOfDay](), reflect.TypeFor[timeOfDaySchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.Weekdays](), reflect.TypeFor[weekdaysSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.Amount](), reflect.TypeFor[amountSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[*attendance.Amount](), reflect.TypeFor[*amountSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.LeaveUnits](), reflect.TypeFor[unitsSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.MonthDay](), reflect.TypeFor[monthDaySchema]())
	r.RegisterTypeAlias(reflect.TypeFor[optMonthDay](), reflect.TypeFor[monthDaySchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.EntryID](), reflect.TypeFor[entryIDSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[attendance.Presence](), reflect.TypeFor[presenceSchema]())
}

// declareNulls lets null through, in the document, wherever a pointer field
// without omitempty sends one. huma does this for a pointer to a scalar, but
// not for one to a struct (an object needs anyOf with null, which huma
// leaves to us: danielgtaylor/huma#1098), nor for one to a type that gives
// its own schema (a date, an amount).
func declareNulls(r huma.Registry) {
	for name, s := range r.Map() {
		t := r.TypeFromRef("#/components/schemas/" + name)
		if t == nil || t.Kind() != reflect.Struct || s.Type != huma.TypeObject {
			continue
		}
		for _, f := range jsonFields(t) {
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			p := s.Properties[name]
			if p == nil || f.Type.Kind() != reflect.Pointer ||
				strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
				continue
			}
			s.Properties[name] = nullable(p)
		}
	}
}

// nullable returns p allowing null too.
func nullable(p *huma.Schema) *huma.Schema {
	switch {
	case p.Nullable:
		return p
	case p.Type != "" && p.Ref == "":
		c := *p
		c.Nullable = true
		return &c
	default: // a reference, or a schema of its own with no single type
		c := *p
		c.Description = "" // said once, beside the anyOf
		n := &huma.Schema{Description: p.Description, AnyOf: []*huma.Schema{&c, {Type: "null"}}}
		n.PrecomputeMessages()
		return n
	}
}

// jsonFields returns the fields of struct type t that encoding/json writes,
// those of embedded structs included, as huma lists them.
func jsonFields(t reflect.Type) []reflect.StructField {
	var fs []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case !f.IsExported() && !f.Anonymous, f.Tag.Get("json") == "-":
		case f.Anonymous && f.Tag.Get("json") == "":
			e := f.Type
			if e.Kind() == reflect.Pointer {
				e = e.Elem()
			}
			if e.Kind() == reflect.Struct {
				fs = append(fs, jsonFields(e)...)
			}
		default:
			fs = append(fs, f)
		}
	}
	return fs
}

type amountSchema struct{}

func (amountSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Description: "Days: a number with at most two decimals as shown; in a body also an exact fraction string (\"-2/9\")",
		OneOf: []*huma.Schema{{Type: huma.TypeNumber}, {Type: huma.TypeString, Pattern: `^-?[0-9]+(\.[0-9]+|/[0-9]+)?$`}}, Examples: []any{1.5}}
}

type unitsSchema struct{}

func (unitsSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeArray, UniqueItems: true, Items: &huma.Schema{Type: huma.TypeString, Enum: []any{"day", "half_day", "hour"}},
		Examples: []any{[]string{"day", "half_day", "hour"}}}
}

type monthDaySchema struct{}

func (monthDaySchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Nullable: true, Pattern: `^[0-9]{2}-[0-9]{2}$`, Examples: []any{"03-31"}, Description: "MM-DD, or null"}
}

type entryIDSchema struct{}

func (entryIDSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeInteger, Nullable: true, Description: "null for an entry due and not yet written"}
}

type dateSchema struct{}

func (dateSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "date", Examples: []any{"2026-11-02"},
		Pattern:            `^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$`,
		PatternDescription: fmt.Sprintf("a date from %s to %s", attendance.MinDate, attendance.MaxDate)}
}

type timeOfDaySchema struct{}

func (timeOfDaySchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Pattern: `^([01][0-9]|2[0-3]):[0-5][0-9]$`, Examples: []any{"08:00"}, Description: "HH:MM, 24-hour"}
}

type weekdaysSchema struct{}

func (weekdaysSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeArray, UniqueItems: true, Items: &huma.Schema{Type: huma.TypeString, Enum: []any{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
		Examples: []any{[]string{"mon", "tue", "wed", "thu", "fri"}}}
}

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }
