package bot

import "time"

// Observer is told what the bot, its outbox worker and its scheduler do, so
// that an operator can count it (cmd wires the Prometheus metrics). Calls
// must be cheap and never block. Every label it is given is bounded: route
// names from the route table, channel and kind constants, WeCom errcodes.
type Observer interface {
	// MessageHandled: one message went through Handle. command is the
	// route that took it (see Context.Route), outcome one of the
	// Outcome* constants.
	MessageHandled(channel, command, outcome string)
	// Replied: the reply to one delivery was ready after took, and went
	// back in the callback's response (mode "passive") or through the
	// outbox (mode "active").
	Replied(channel, mode string, took time.Duration)
	// DedupHit: a channel delivered a message again (a retry) and it was
	// not handled a second time.
	DedupHit(channel string)
	// NoticeAttempt: the outbox tried to send a notice of kind; errcode is
	// the channel's (0 when fine), err the failure, nil when it went.
	NoticeAttempt(kind string, errcode int, err error)
	// JobRan: a scheduled job ran on this replica; err is its failure.
	JobRan(job string, err error)
}

// Outcomes of a message, for Observer.MessageHandled.
const (
	OutcomeOK          = "ok"           // answered
	OutcomeRefused     = "refused"      // a feature said no (a *unionbot.Error a person reads)
	OutcomeError       = "error"        // an internal error: the teacher read 系统繁忙
	OutcomeRateLimited = "rate_limited" // over UNIONBOT_RATE_LIMIT
	OutcomeTooLong     = "too_long"     // over MaxMessageRunes
)

// Reply modes, for Observer.Replied.
const (
	ReplyPassive = "passive"
	ReplyActive  = "active"
)

// nopObserver is the Observer of a bot nobody watches.
type nopObserver struct{}

func (nopObserver) MessageHandled(string, string, string) {}
func (nopObserver) Replied(string, string, time.Duration) {}
func (nopObserver) DedupHit(string)                       {}
func (nopObserver) NoticeAttempt(string, int, error)      {}
func (nopObserver) JobRan(string, error)                  {}

func observer(o Observer) Observer {
	if o == nil {
		return nopObserver{}
	}
	return o
}
