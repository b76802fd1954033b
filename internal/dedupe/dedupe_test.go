package dedupe

import "testing"

func TestWindow(t *testing.T) {
	w := New[int](3)
	steps := []struct {
		id   int
		want bool
	}{
		{1, true}, {2, true}, {1, false}, {3, true}, {4, true}, // 1 is forgotten now
		{1, true}, {3, false}, {4, false}, {2, true},
	}
	for i, s := range steps {
		if got := w.Add(s.id); got != s.want {
			t.Fatalf("step %d: Add(%d) = %v, want %v", i, s.id, got, s.want)
		}
	}
	if len(w.ids) != 3 {
		t.Fatalf("remembers %d ids, want 3", len(w.ids))
	}
}
