package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type typeBalanceOutput struct {
	Body *attendance.TypeBalance
}

type balancesInput struct {
	Year       int   `query:"year" minimum:"1970" maximum:"9999" doc:"Default: the current year"`
	EmployeeID int64 `query:"employee_id" minimum:"1" doc:"Manager access: someone in scope; default oneself"`
}

type balancesOutput struct {
	Body listBody[*attendance.TypeBalance]
}

type ledgerListInput struct {
	Year       int    `query:"year" minimum:"1970" maximum:"9999" doc:"Default: the current year"`
	EmployeeID int64  `query:"employee_id" minimum:"1" doc:"Manager access: someone in scope; default oneself"`
	LeaveType  string `query:"leave_type" maxLength:"32" doc:"A leave type's code; default annual"`
	JobRunID   int64  `query:"job_run_id" minimum:"1" doc:"Admins: the entries a job run wrote (the other filters are ignored)"`
	PageParams
}

type ledgerListOutput struct {
	Body listBody[*attendance.LedgerEntry]
}

type ledgerEntryOutput struct {
	Body *attendance.LedgerEntry
}

type ledgerEntryCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.LedgerEntry
}

type adjustInput struct {
	IdempotencyHeader
	Body struct {
		EmployeeID int64                `json:"employee_id" minimum:"1"`
		LeaveType  attendance.LeaveType `json:"leave_type" maxLength:"32"`
		Year       int                  `json:"year"`
		Days       attendance.Amount    `json:"days" doc:"Non-zero, -366 to 366: a number or an exact fraction string such as \"-2/9\""`
		Note       string               `json:"note" doc:"Required: why, 1-2000 bytes"`
	}
}

type previewInput struct {
	LeaveType string `query:"leave_type" maxLength:"32" doc:"Default annual"`
	StartDate string `query:"start_date" format:"date" required:"true"`
	EndDate   string `query:"end_date" format:"date" doc:"Default: start_date"`
	HalfDay   bool   `query:"half_day"`
	StartTime string `query:"start_time" doc:"HH:MM: hours of one working day, with end_time"`
	EndTime   string `query:"end_time" doc:"HH:MM"`
}

type previewOutput struct {
	Body *attendance.LeavePreview
}

type allowancesInput struct {
	IDPath
}

type allowancesOutput struct {
	Body listBody[*attendance.LeaveAllowance]
}

type allowancePath struct {
	IDPath
	LeaveTypeCodePath
}

type allowancePutInput struct {
	IDPath
	LeaveTypeCodePath
	Body struct {
		Allowance attendance.Amount `json:"allowance" doc:"0 to 366 in steps of 0.5"`
	}
}

type allowanceOutput struct {
	Body *attendance.LeaveAllowance
}

func optLeaveType(s string) *attendance.LeaveType {
	if s == "" {
		return nil
	}
	t := attendance.LeaveType(s)
	return &t
}

func (s *Server) ledgerRoutes() {
	tags := []string{"Leave"}
	register(s, secured(huma.Operation{
		OperationID: "leave-balances", Method: http.MethodGet, Path: "/api/leaves/balances/", Tags: tags,
		Summary: "Every leave type's balance of a year", Description: "The types not retired, and retired ones with entries that year.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *balancesInput) (*balancesOutput, error) {
		list, err := s.Ledger.TypeBalances(ctx, actorFrom(ctx), optInt64(in.EmployeeID), optInt(in.Year))
		if err != nil {
			return nil, err
		}
		return &balancesOutput{listOf(ctx, PageParams{Limit: max(len(list), 1)}, len(list), list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "leave-ledger", Method: http.MethodGet, Path: "/api/leaves/ledger/", Tags: tags,
		Summary: "One balance's ledger, newest first, with the running balance",
		Description: "Self, or manager access in scope. Entries due but not yet written by a job come first, with `id` null. " +
			"`?job_run_id=` (admins) lists a job run's entries.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *ledgerListInput) (*ledgerListOutput, error) {
		var list []*attendance.LedgerEntry
		var n int
		var err error
		if in.JobRunID != 0 {
			list, n, err = s.Ledger.JobRunEntries(ctx, actorFrom(ctx), in.JobRunID, in.page())
		} else {
			list, n, err = s.Ledger.ListLedger(ctx, actorFrom(ctx), attendance.LedgerFilter{EmployeeID: optInt64(in.EmployeeID),
				LeaveType: optLeaveType(in.LeaveType), Year: optInt(in.Year), Page: in.page()})
		}
		if err != nil {
			return nil, err
		}
		return &ledgerListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "leave-ledger-entry", Method: http.MethodGet, Path: "/api/leaves/ledger/{id}/", Tags: tags,
		Summary: "One ledger entry with its running balance", Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*ledgerEntryOutput, error) {
		e, err := s.Ledger.LedgerEntry(ctx, actorFrom(ctx), in.ID)
		return &ledgerEntryOutput{e}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "adjust-leave-balance", Method: http.MethodPost, Path: "/api/leaves/ledger/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Adjust a balance (an admin's ledger entry with a note)",
		Description: "Admins only, never of one's own balance (403 `own_balance`) unless no other active admin is above or beside them. " +
			"A type that uses no allowance is 422 at body.leave_type; `too_precise` when the balance's fractions would pass the bound. Idempotency-Key as for leave requests.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *adjustInput) (*ledgerEntryCreatedOutput, error) {
		b := in.Body
		e, err := s.Ledger.Adjust(ctx, actorFrom(ctx), attendance.AdjustmentInput{EmployeeID: b.EmployeeID, LeaveType: b.LeaveType,
			Year: b.Year, Days: b.Days, Note: b.Note, Idempotency: in.idempotency(b)})
		if err != nil {
			return nil, err
		}
		return &ledgerEntryCreatedOutput{Location: "/api/leaves/ledger/" + itoa(int64(e.ID)) + "/", Body: e}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "preview-leave", Method: http.MethodGet, Path: "/api/leaves/preview/", Tags: tags,
		Summary: "What a request would cost and whether it would be made, without making it",
		Description: "One's own. The request's validation is a 422 as the request would get; a refusal by its checks (overlap, the span across an expiry, the balance) " +
			"is a 200 with `ok` false and the `code` and `detail` the request would get.",
		Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *previewInput) (*previewOutput, error) {
		li, err := previewLeaveInput(in)
		if err != nil {
			return nil, err
		}
		pv, err := s.Ledger.PreviewLeave(ctx, actorFrom(ctx), li)
		return &previewOutput{pv}, err
	})
	etags := []string{"Employees"}
	register(s, secured(huma.Operation{
		OperationID: "list-allowances", Method: http.MethodGet, Path: "/api/employees/{id}/allowances/", Tags: etags,
		Summary: "An employee's yearly allowance of each leave type that uses one", Description: "Self, or manager access in scope; `own` false: the type's allowance.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *allowancesInput) (*allowancesOutput, error) {
		list, err := s.Allowances.ListAllowances(ctx, actorFrom(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &allowancesOutput{listOf(ctx, PageParams{Limit: max(len(list), 1)}, len(list), list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "set-allowance", Method: http.MethodPut, Path: "/api/employees/{id}/allowances/{code}/", Tags: etags,
		Summary:     "Give an employee an allowance of their own",
		Description: "Manager access in scope, never one's own (403), an admin's only by an admin (403). Recorded grants of this year and later follow it (grant_change entries); for annual it sets annual_leave_days.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager), func(ctx context.Context, in *allowancePutInput) (*allowanceOutput, error) {
		a := in.Body.Allowance
		al, err := s.Allowances.SetAllowance(ctx, actorFrom(ctx), in.ID, attendance.LeaveType(in.Code), &a)
		return &allowanceOutput{al}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-allowance", Method: http.MethodDelete, Path: "/api/employees/{id}/allowances/{code}/", Tags: etags, DefaultStatus: http.StatusNoContent,
		Summary:     "Back to the leave type's allowance",
		Description: "As PUT; annual leave is 409 `own_allowance_required` (set annual_leave_days).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *allowancePath) (*struct{}, error) {
		_, err := s.Allowances.SetAllowance(ctx, actorFrom(ctx), in.ID, attendance.LeaveType(in.Code), nil)
		return nil, err
	})
}

// previewLeaveInput reads the preview's query as a request's body.
func previewLeaveInput(in *previewInput) (attendance.LeaveInput, error) {
	li := attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, HalfDay: in.HalfDay}
	if in.LeaveType != "" {
		li.LeaveType = attendance.LeaveType(in.LeaveType)
	}
	var v attendance.Validator
	d, err := attendance.ParseDate(in.StartDate)
	v.Check(err == nil && d.Supported(), "query.start_date", "must be a date YYYY-MM-DD")
	li.StartDate, li.EndDate = d, d
	if in.EndDate != "" {
		e, err := attendance.ParseDate(in.EndDate)
		v.Check(err == nil && e.Supported(), "query.end_date", "must be a date YYYY-MM-DD")
		li.EndDate = e
	}
	for _, t := range []struct {
		s   string
		loc string
		dst **attendance.TimeOfDay
	}{{in.StartTime, "query.start_time", &li.StartTime}, {in.EndTime, "query.end_time", &li.EndTime}} {
		if t.s == "" {
			continue
		}
		tod, err := attendance.ParseTimeOfDay(t.s)
		v.Check(err == nil, t.loc, "must be HH:MM")
		*t.dst = &tod
	}
	return li, v.Err()
}
