package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type ledgerJobsOutput struct {
	Body listBody[attendance.LedgerJobStatus]
}

type jobRunsInput struct {
	Job string `query:"job" enum:"leave_ledger,late_penalties"`
	PageParams
}

type jobRunsOutput struct {
	Body listBody[*attendance.JobRun]
}

// LedgerJobPath is the <job> of a ledger job's path (exported: see IDPath).
type LedgerJobPath struct {
	Job string `path:"job" maxLength:"32" doc:"leave_ledger or late_penalties"`
}

type jobQueuedOutput struct {
	Body struct {
		Job      attendance.LedgerJob `json:"job"`
		QueuedAt time.Time            `json:"queued_at"`
	}
}

func (s *Server) ledgerJobRoutes() {
	tags := []string{"Leave"}
	register(s, secured(huma.Operation{
		OperationID: "leave-jobs", Method: http.MethodGet, Path: "/api/leaves/jobs/", Tags: tags,
		Summary: "The leave ledger's jobs: their last run, last success and next run", Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessAdmin), func(ctx context.Context, in *struct{}) (*ledgerJobsOutput, error) {
		list, err := s.LedgerJobs.LedgerJobs(ctx, actorFrom(ctx))
		if err != nil {
			return nil, err
		}
		return &ledgerJobsOutput{listOf(ctx, PageParams{Limit: max(len(list), 1)}, len(list), list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "leave-job-runs", Method: http.MethodGet, Path: "/api/leaves/jobs/runs/", Tags: tags,
		Summary: "Runs of the leave ledger's jobs, newest first", Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessAdmin), func(ctx context.Context, in *jobRunsInput) (*jobRunsOutput, error) {
		var job *attendance.LedgerJob
		if in.Job != "" {
			j := attendance.LedgerJob(in.Job)
			job = &j
		}
		list, n, err := s.LedgerJobs.ListJobRuns(ctx, actorFrom(ctx), job, in.page())
		if err != nil {
			return nil, err
		}
		return &jobRunsOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "run-leave-job", Method: http.MethodPost, Path: "/api/leaves/jobs/{job}/run/", Tags: tags, DefaultStatus: http.StatusAccepted,
		Summary:     "Run a leave ledger job as soon as a worker is free",
		Description: "Admins only. A second run meanwhile writes nothing twice (each period is credited once). Unknown job: 404.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *LedgerJobPath) (*jobQueuedOutput, error) {
		job := attendance.LedgerJob(in.Job)
		if err := s.LedgerJobs.RunLedgerJob(ctx, actorFrom(ctx), job); err != nil {
			return nil, err
		}
		out := &jobQueuedOutput{}
		out.Body.Job, out.Body.QueuedAt = job, time.Now().UTC().Truncate(time.Second)
		return out, nil
	})
}
