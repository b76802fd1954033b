package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// CompanyService reads the company's settings (attendance.CompanyService):
// its configuration, at the store's clock.
type CompanyService struct{ db *DB }

var _ attendance.CompanyService = (*CompanyService)(nil)

// NewCompanyService returns the company service of db.
func NewCompanyService(db *DB) *CompanyService { return &CompanyService{db: db} }

// Company returns the company's settings now.
func (s *CompanyService) Company(_ context.Context, _ attendance.Actor) (*attendance.Company, error) {
	c := attendance.NewCompany(attendance.CompanyPolicy{Timezone: s.db.cfg.CompanyTimezone,
		LowLeaveThreshold: s.db.cfg.LowLeaveThreshold, LatePenaltyMinutes: s.db.cfg.LatePenaltyMinutes}, s.db.now())
	return &c, nil
}
