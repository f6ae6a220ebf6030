package storage

import (
	"slices"
	"testing"
)

// TestGroupQueue: the first job under a key runs the key, the others wait;
// groups come in arrival order and at most max at a time; once the queue is
// empty the key is free, and keys are independent.
func TestGroupQueue(t *testing.T) {
	var q groupQueue[string, int]
	if !q.add("a", 1) || q.add("a", 2) || q.add("a", 3) {
		t.Fatal("only the first add runs the key")
	}
	if !q.add("b", 10) {
		t.Fatal("another key is run on its own")
	}
	if g := q.take("a", 2); !slices.Equal(g, []int{1, 2}) {
		t.Fatalf("first group %v, want [1 2]", g)
	}
	if q.add("a", 4) {
		t.Fatal("a key being run was run again")
	}
	if g := q.take("a", 2); !slices.Equal(g, []int{3, 4}) {
		t.Fatalf("second group %v, want [3 4]", g)
	}
	if g := q.take("a", 2); g != nil {
		t.Fatalf("empty queue gave %v", g)
	}
	if !q.add("a", 5) {
		t.Fatal("after its queue ran dry the key is run by the next add")
	}
	if g := q.take("b", 0); !slices.Equal(g, []int{10}) {
		t.Fatalf("key b: %v", g)
	}
}
