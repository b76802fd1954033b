package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/amqp"
)

// Config is the whole configuration, read once from the environment and the
// flags (flags win) and passed down.
type Config struct {
	Addr               string
	DataDir            string
	DatabaseURL        string
	AMQPURL            string
	AMQPExchange       string
	JWTSecret          string
	Timezone           string
	AdminUsername      string
	AdminPassword      string
	AccessTTL          time.Duration
	RefreshTTL         time.Duration
	TrustedProxies     []netip.Prefix
	AllowedOrigins     []string
	LowLeaveThreshold  float64
	LatePenaltyMinutes int
	PublicURL          string
	EscalationDays     int
	CompanyWorkDays    attendance.Weekdays
	SMTPHost           string
	SMTPPort           int
	SMTPSecurity       string
	SMTPUsername       string
	SMTPPassword       string
	SMTPFrom           string
	DecisionLinkTTL    time.Duration
	LogFormat          string
	LogLevel           slog.Level
	PprofAddr          string
	MemoryLimit        int64 // bytes; 0: Go's own
	NoWorker           bool
	NoMigrate          bool
}

// setting is one configuration value: its flag, its environment variable and
// where it goes.
type setting struct {
	flag, env, def, usage string
	set                   func(c *Config, v string) error
}

var settings = []setting{
	{"addr", "ATTENDANCE_ADDR", "127.0.0.1:8000", "listen address", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"data-dir", "ATTENDANCE_DATA_DIR", "./data", "directory of the embedded SQLite database", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"database-url", "ATTENDANCE_DATABASE_URL", "", "empty: SQLite in the data dir; postgres://…: PostgreSQL", func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"amqp-url", "ATTENDANCE_AMQP_URL", "", "empty: in-process event bus; amqp://…: RabbitMQ (cluster mode)", func(c *Config, v string) error { c.AMQPURL = v; return nil }},
	{"amqp-exchange", "ATTENDANCE_AMQP_EXCHANGE", amqp.DefaultExchange, "the RabbitMQ topic exchange of the events (cluster mode); installations sharing a broker each have their own", func(c *Config, v string) error {
		if v == "" || len(v) > 255 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != "" || strings.HasPrefix(v, "amq.") {
			return fmt.Errorf("%q is not an exchange name (letters, digits, - _ . :, not amq.…)", v)
		}
		c.AMQPExchange = v
		return nil
	}},
	{"jwt-secret", "ATTENDANCE_JWT_SECRET", "", "HMAC secret (≥ 32 characters); empty: generated once and kept in the database", func(c *Config, v string) error { c.JWTSecret = v; return nil }},
	{"timezone", "ATTENDANCE_TIMEZONE", "UTC", "company time zone (IANA), the default of new employees", func(c *Config, v string) error { c.Timezone = v; return nil }},
	{"admin-username", "ATTENDANCE_ADMIN_USERNAME", "admin", "username of the first admin, created when there is no user", func(c *Config, v string) error { c.AdminUsername = v; return nil }},
	{"admin-password", "ATTENDANCE_ADMIN_PASSWORD", "", "password of the first admin; empty: generated and shown once", func(c *Config, v string) error { c.AdminPassword = v; return nil }},
	{"access-ttl", "ATTENDANCE_ACCESS_TTL", "15m", "access token lifetime", durationSetter(func(c *Config) *time.Duration { return &c.AccessTTL })},
	{"refresh-ttl", "ATTENDANCE_REFRESH_TTL", "168h", "refresh token lifetime", durationSetter(func(c *Config) *time.Duration { return &c.RefreshTTL })},
	{"trusted-proxies", "ATTENDANCE_TRUSTED_PROXIES", "", "comma-separated CIDRs whose X-Forwarded-For is believed", func(c *Config, v string) error {
		c.TrustedProxies = nil
		for _, s := range splitList(v) {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				if a, aerr := netip.ParseAddr(s); aerr == nil {
					p = netip.PrefixFrom(a, a.BitLen())
				} else {
					return fmt.Errorf("%q is not a CIDR", s)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
		return nil
	}},
	{"allowed-origins", "ATTENDANCE_ALLOWED_ORIGINS", "", "comma-separated origins allowed to call the API from a browser (CORS); none by default", func(c *Config, v string) error {
		c.AllowedOrigins = splitList(v)
		return nil
	}},
	{"low-leave-threshold", "ATTENDANCE_LOW_LEAVE_THRESHOLD", "3", "remaining annual leave days at or below which a low-balance notification is sent", func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("%q is not a number of days", v)
		}
		c.LowLeaveThreshold = f
		return nil
	}},
	{"late-penalty-minutes", "ATTENDANCE_LATE_PENALTY_MINUTES", "0", "every this many late minutes in a year cost a day of annual leave; 0: off", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a number of minutes", v)
		}
		c.LatePenaltyMinutes = n
		return nil
	}},
	{"public-url", "ATTENDANCE_PUBLIC_URL", "", "the service's address as users reach it (https://attendance.example.com): links in e-mails, absolute calendar feed URLs; empty: unknown", func(c *Config, v string) error {
		v = strings.TrimRight(v, "/")
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
				return fmt.Errorf("%q is not an http:// or https:// address", v)
			}
		}
		c.PublicURL = v
		return nil
	}},
	{"escalation-days", "ATTENDANCE_ESCALATION_DAYS", "3", "working days an approval step may wait before the next level up is told, once; 0: off", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 366 {
			return fmt.Errorf("%q is not a number of working days (0 to 366)", v)
		}
		c.EscalationDays = n
		return nil
	}},
	{"company-work-days", "ATTENDANCE_COMPANY_WORK_DAYS", "mon,tue,wed,thu,fri", "the company's work days, which escalation counts", func(c *Config, v string) error {
		w, err := attendance.ParseWeekdays(splitList(v))
		if err != nil || w == 0 {
			return fmt.Errorf("%q is not a list of days such as mon,tue,wed,thu,fri", v)
		}
		c.CompanyWorkDays = w
		return nil
	}},
	{"smtp-host", "ATTENDANCE_SMTP_HOST", "", "SMTP server for e-mail notifications; empty: e-mail off", func(c *Config, v string) error { c.SMTPHost = v; return nil }},
	{"smtp-port", "ATTENDANCE_SMTP_PORT", "", "SMTP port; empty: 587 (starttls), 465 (tls), 25 (none)", func(c *Config, v string) error {
		c.SMTPPort = 0
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q is not a port (1 to 65535)", v)
		}
		c.SMTPPort = n
		return nil
	}},
	{"smtp-security", "ATTENDANCE_SMTP_SECURITY", "starttls", "starttls (required), tls (from the first byte) or none (only to this machine when a password is set)", func(c *Config, v string) error {
		if v != "starttls" && v != "tls" && v != "none" {
			return fmt.Errorf("%q is not starttls, tls or none", v)
		}
		c.SMTPSecurity = v
		return nil
	}},
	{"smtp-username", "ATTENDANCE_SMTP_USERNAME", "", "SMTP AUTH user; empty: no AUTH", func(c *Config, v string) error { c.SMTPUsername = v; return nil }},
	{"smtp-password", "ATTENDANCE_SMTP_PASSWORD", "", "SMTP AUTH password", func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
	{"smtp-from", "ATTENDANCE_SMTP_FROM", "", "the sender of e-mail, e.g. Attendance <attendance@example.com>; required with a host", func(c *Config, v string) error { c.SMTPFrom = v; return nil }},
	{"decision-link-ttl", "ATTENDANCE_DECISION_LINK_TTL", "168h", "how long the approve and reject links of approval e-mails work", durationSetter(func(c *Config) *time.Duration { return &c.DecisionLinkTTL })},
	{"log-format", "ATTENDANCE_LOG_FORMAT", "text", "text or json (one object per line)", func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("%q is not text or json", v)
		}
		c.LogFormat = v
		return nil
	}},
	{"pprof-addr", "ATTENDANCE_PPROF_ADDR", "", "serve Go's pprof profiles on this address (e.g. 127.0.0.1:6060); empty: off", func(c *Config, v string) error { c.PprofAddr = v; return nil }},
	{"log-level", "ATTENDANCE_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	}},
	{"memory-limit", "ATTENDANCE_MEMORY_LIMIT", "", "soft limit of the Go runtime's memory, written as for GOMEMLIMIT (e.g. 48MiB), which it overrides; empty: Go's own", func(c *Config, v string) error {
		n, err := parseBytes(v)
		if err != nil {
			return err
		}
		c.MemoryLimit = n
		return nil
	}},
}

// parseBytes reads a positive size as GOMEMLIMIT is written: a number of
// bytes with an optional B, KiB, MiB, GiB or TiB. Empty is 0.
func parseBytes(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	digits := strings.TrimRight(v, "BKMGTi")
	shift, ok := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}[v[len(digits):]]
	n, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || n <= 0 || digits[0] == '+' || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("%q is not a size such as 56MiB or 1GiB", v)
	}
	return n << shift, nil
}

func durationSetter(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a duration such as 15m or 168h", v)
		}
		*field(c) = d
		return nil
	}
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// secretSettings are the settings whose values are secrets: their flags do
// not take the environment's value as their default, which the usage
// (--help, or any mistake in the flags) would print; the environment is
// read when the configuration is built instead.
var secretSettings = []string{"jwt-secret", "admin-password", "smtp-password"}

// bindConfig registers the named settings as flags on fs, each defaulting to
// its environment variable, and returns a function that builds the Config
// after fs.Parse.
func bindConfig(fs *flag.FlagSet, getenv func(string) string, names ...string) func() (Config, error) {
	values := map[string]*string{}
	for _, s := range settings {
		if !contains(names, s.flag) {
			continue
		}
		def := s.def
		if v := getenv(s.env); v != "" && !contains(secretSettings, s.flag) {
			def = v
		}
		usage := s.usage + " (" + s.env + ")"
		values[s.flag] = fs.String(s.flag, def, usage)
	}
	return func() (Config, error) {
		var c Config
		for _, s := range settings {
			v := s.def
			if p, ok := values[s.flag]; ok {
				v = *p
				if env := getenv(s.env); v == s.def && env != "" && contains(secretSettings, s.flag) {
					v = env
				}
			}
			if err := s.set(&c, v); err != nil {
				return c, fmt.Errorf("--%s / %s: %w", s.flag, s.env, err)
			}
		}
		return c, nil
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// newLogger builds the service's structured logger.
func newLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
