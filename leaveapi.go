package attendance

import "context"

// LeaveAllowance is an employee's yearly allowance of one leave type that
// uses one: their own (Own), or the type's.
type LeaveAllowance struct {
	LeaveType LeaveType `json:"leave_type"`
	Allowance Amount    `json:"allowance"`
	Own       bool      `json:"own"`
}

// AllowanceService keeps the employees' own allowances. For annual leave it
// is their annual_leave_days, read and written through either path.
type AllowanceService interface {
	// ListAllowances lists an employee's allowance of every type that uses
	// one, to the employee or with manager access in scope.
	ListAllowances(ctx context.Context, actor Actor, employeeID int64) ([]*LeaveAllowance, error)
	// SetAllowance sets an employee's own allowance of a type, or with nil
	// takes it back to the type's; manager access in scope, never one's own.
	SetAllowance(ctx context.Context, actor Actor, employeeID int64, code LeaveType, allowance *Amount) (*LeaveAllowance, error)
}

// ApprovalPreview is what approving a pending request now would do
// (CheckApproval), shown beside the approve button.
type ApprovalPreview struct {
	OK             bool        `json:"ok"`
	Code           string      `json:"code"`
	Detail         string      `json:"detail"`
	Balance        TypeBalance `json:"balance"`
	RemainingAfter *Amount     `json:"remaining_after"`
}

// LeaveDetail is one request as its requester or a manager sees it; a
// pending one seen with manager access carries what approving it would do.
type LeaveDetail struct {
	LeaveRequest
	Approval *ApprovalPreview `json:"approval,omitempty"`
}

// LeaveLedgerService is the ledger as the HTTP API serves it: the
// LedgerService, every type's balance of a year, one entry, a job run's
// entries, the preview of a request and one request.
type LeaveLedgerService interface {
	LedgerService
	TypeBalances(ctx context.Context, actor Actor, employeeID *int64, year *int) ([]*TypeBalance, error)
	LedgerEntry(ctx context.Context, actor Actor, id int64) (*LedgerEntry, error)
	JobRunEntries(ctx context.Context, actor Actor, runID int64, p Page) ([]*LedgerEntry, int, error)
	// PreviewLeave says what the actor's request would cost and whether it
	// would be made, without making it.
	PreviewLeave(ctx context.Context, actor Actor, in LeaveInput) (*LeavePreview, error)
	// FindLeave returns one request, to its requester or with manager access
	// in scope.
	FindLeave(ctx context.Context, actor Actor, id int64) (*LeaveDetail, error)
}
