package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// The epoch of PostgreSQL's binary dates and timestamps, 2000-01-01, in
// days and microseconds after the Unix epoch.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1_000_000
)

// registerScanners teaches a connection's types to hand the store's date
// and instant columns (sqlstore.DateScanner, sqlstore.InstantScanner) their
// binary values directly. Without it pgx decodes each into a time.Time,
// boxed for database/sql's Scan: an allocation per value, on every row of
// the overview's reads. Every other target scans as pgx's own codecs do.
func registerScanners(_ context.Context, conn *pgx.Conn) error {
	m := conn.TypeMap()
	m.RegisterType(&pgtype.Type{Name: "date", OID: pgtype.DateOID, Codec: dateCodec{}})
	m.RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID, Codec: instantCodec{&pgtype.TimestamptzCodec{}}})
	return nil
}

// dateCodec is pgx's date codec that also scans a binary date into a
// sqlstore.DateScanner.
type dateCodec struct{ pgtype.DateCodec }

func (c dateCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(sqlstore.DateScanner); ok && format == pgtype.BinaryFormatCode {
		return scanDate{}
	}
	return c.DateCodec.PlanScan(m, oid, format, target)
}

type scanDate struct{}

func (scanDate) Scan(src []byte, target any) error {
	t := target.(sqlstore.DateScanner)
	if src == nil {
		return t.ScanDate(0, false)
	}
	if len(src) != 4 {
		return fmt.Errorf("postgres: a binary date of %d bytes, want 4", len(src))
	}
	days := int32(binary.BigEndian.Uint32(src))
	if days == math.MaxInt32 || days == math.MinInt32 {
		return fmt.Errorf("postgres: cannot scan an infinite date")
	}
	return t.ScanDate(attendance.Date(days+pgEpochDays), true)
}

// instantCodec is pgx's timestamptz codec that also scans a binary instant
// into a sqlstore.InstantScanner.
type instantCodec struct{ *pgtype.TimestamptzCodec }

func (c instantCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(sqlstore.InstantScanner); ok && format == pgtype.BinaryFormatCode {
		return scanInstant{}
	}
	return c.TimestamptzCodec.PlanScan(m, oid, format, target)
}

type scanInstant struct{}

func (scanInstant) Scan(src []byte, target any) error {
	t := target.(sqlstore.InstantScanner)
	if src == nil {
		return t.ScanInstant(0, false)
	}
	if len(src) != 8 {
		return fmt.Errorf("postgres: a binary instant of %d bytes, want 8", len(src))
	}
	us := int64(binary.BigEndian.Uint64(src))
	if us == math.MaxInt64 || us == math.MinInt64 {
		return fmt.Errorf("postgres: cannot scan an infinite instant")
	}
	return t.ScanInstant(us+pgEpochMicros, true)
}
