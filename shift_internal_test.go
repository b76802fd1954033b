package attendance

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestWallClockMatchesWallInstant: the overview's arithmetic shortcut places
// every wall time where wallInstant does, across four years of zones with
// one-hour, half-hour and two-hour changes, changes at midnight, and offsets
// that changed for good.
func TestWallClockMatchesWallInstant(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Auckland", "America/Santiago",
		"Africa/Casablanca", "Antarctica/Troll", "America/Havana", "Asia/Tehran", "Europe/Volgograd", "UTC"}
	for _, name := range zones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		c := &wallClock{loc: loc}
		for d := NewDate(2023, time.January, 1); d <= NewDate(2026, time.December, 31); d++ {
			for tod := TimeOfDay(0); tod < 24*60; tod += 30 {
				got, want := c.at(d, tod), wallInstant(d, tod, loc)
				if !got.Equal(want) {
					t.Fatalf("%s %s %s: wallClock = %s, wallInstant = %s", name, d, tod, got, want)
				}
			}
		}
		// In any order, as a night's end on the next date follows its start.
		rng := rand.New(rand.NewPCG(1, uint64(len(name))))
		for range 100000 {
			d := NewDate(2023, time.January, 1).AddDays(rng.IntN(4 * 365))
			tod := TimeOfDay(rng.IntN(24 * 60))
			if got, want := c.at(d, tod), wallInstant(d, tod, loc); !got.Equal(want) {
				t.Fatalf("%s %s %s: wallClock = %s, wallInstant = %s", name, d, tod, got, want)
			}
		}
	}
}
