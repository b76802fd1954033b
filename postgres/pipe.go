package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/openattendance/attendance/sqlstore"
)

// runPipe runs fn in a transaction (read-only, on one snapshot, if
// readOnly) on pgx's own connection under one of db's
// (sqlstore.Dialect.Pipe), and rolls it back unless fn committed it.
func runPipe(ctx context.Context, db *sql.DB, readOnly bool, fn func(sqlstore.Pipe) error) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: pipeline: the connection is a %T, not pgx's", dc)
		}
		p := &pipe{conn: sc.Conn()}
		if readOnly {
			// One snapshot for all its reads: a report adds up rows that
			// agree with each other.
			p.opts = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
		}
		err := fn(p)
		if !p.ended && p.tx != nil {
			// A connection left in a transaction is not used again: pgx's
			// driver tells database/sql to discard one whose status is not
			// idle. Rolled back here, it stays in the pool.
			_ = p.tx.Rollback(context.WithoutCancel(ctx))
		}
		return err
	})
}

// pipe is sqlstore.Pipe on a pgx connection. The BEGIN goes with the first
// statement sent (pgx's Batch.BeginTx), and the statements queued by Later
// in one batch (one network write, one Sync) with the next statement that
// answers, or with the COMMIT.
type pipe struct {
	conn   *pgx.Conn
	opts   pgx.TxOptions
	tx     pgx.Tx // nil until the BEGIN is sent
	queued []statement
	ended  bool // committed
}

type statement struct {
	sql  string
	args []any
}

func (p *pipe) Later(query string, args ...any) {
	p.queued = append(p.queued, statement{query, args})
}

// send sends the BEGIN if it is not sent yet, the statements queued and
// then tail, in one batch. It reads the results but tail's, which the
// caller reads from the batch before closing it.
func (p *pipe) send(ctx context.Context, tail ...statement) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	begin := p.tx == nil
	if begin {
		b.BeginTx(p.opts)
	}
	for _, s := range p.queued {
		b.Queue(s.sql, s.args...)
	}
	n := len(p.queued)
	p.queued = nil
	for _, s := range tail {
		b.Queue(s.sql, s.args...)
	}
	br := p.conn.SendBatch(ctx, b)
	if begin {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return nil, err
		}
		p.tx = br.Tx()
	}
	for range n {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return nil, err
		}
	}
	return br, nil
}

func (p *pipe) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := p.exec(ctx, query, args)
	return tag.RowsAffected(), err
}

func (p *pipe) exec(ctx context.Context, query string, args []any) (pgconn.CommandTag, error) {
	if p.tx != nil && len(p.queued) == 0 {
		return p.tx.Exec(ctx, query, args...)
	}
	br, err := p.send(ctx, statement{query, args})
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (p *pipe) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	if p.tx != nil && len(p.queued) == 0 {
		rows, err := p.tx.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return sqlRows{rows}, nil
	}
	br, err := p.send(ctx, statement{query, args})
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	return sqlRows{&batchRows{Rows: rows, br: br}}, nil
}

// Commit sends the COMMIT with the statements queued. pgx's Tx is not told:
// it is dropped, its connection idle again.
func (p *pipe) Commit(ctx context.Context) error {
	if p.tx == nil && len(p.queued) == 0 {
		p.ended = true // nothing was ever sent
		return nil
	}
	tag, err := p.exec(ctx, "COMMIT", nil)
	if err != nil {
		return err
	}
	p.ended = true
	if tag.String() != "COMMIT" {
		// A COMMIT of a failed transaction rolls it back and says so.
		return fmt.Errorf("postgres: the transaction was rolled back (%s)", tag)
	}
	return nil
}

// CommitReading sends query and the COMMIT with the statements queued, in
// one batch, hands query's rows to read and returns the COMMIT's outcome.
func (p *pipe) CommitReading(ctx context.Context, query string, args []any, read func(sqlstore.Rows)) error {
	br, err := p.send(ctx, statement{query, args}, statement{"COMMIT", nil})
	if err != nil {
		return err
	}
	rows, err := br.Query()
	if err == nil {
		read(sqlRows{rows})
		rows.Close()
		err = rows.Err()
	}
	if err != nil {
		_ = br.Close()
		return err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	p.ended = true
	if tag.String() != "COMMIT" {
		return fmt.Errorf("postgres: the transaction was rolled back (%s)", tag)
	}
	return nil
}

// Tx is pgx's transaction, begun now if it is not yet. What a library sends
// on it runs before the statements still queued.
func (p *pipe) Tx(ctx context.Context) (any, error) {
	if p.tx == nil {
		b := &pgx.Batch{}
		b.BeginTx(p.opts)
		br := p.conn.SendBatch(ctx, b)
		_, err := br.Exec()
		p.tx = br.Tx()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	return p.tx, nil
}

// batchRows are the rows of a batch's last statement: closing them closes
// the batch, whose error is theirs too.
type batchRows struct {
	pgx.Rows
	br       pgx.BatchResults
	closeErr error
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if err := r.br.Close(); err != nil && r.closeErr == nil {
		r.closeErr = err
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.closeErr
}

// sqlRows are pgx's rows as sqlstore.Rows (*sql.Rows' methods).
type sqlRows struct{ pgx.Rows }

func (r sqlRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}
