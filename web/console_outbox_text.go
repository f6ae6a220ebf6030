package web

// The outbox's queue as the overview words it.
const (
	txtQueuedDue      = "等待发送"
	txtQueuedNow      = "马上"
	txtQueuedEveryone = "全体成员"
	txtQueuedMembers  = "%d 位成员"
	txtQueuedBatches  = "%d 位成员（已发 %d 位，每批最多 1000 位）"
)
