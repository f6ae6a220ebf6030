// Package bot is the conversation engine of the union bot: a channel-independent
// message goes in, a reply comes out. It routes text to handlers in telebot's
// shape (HandlerFunc, middleware, one route table), keeps per-teacher sessions
// for multi-turn forms, pages long replies, and decides whether a reply goes
// back passively in the callback response or actively through the outbox.
//
// Channel adapters (bot/wecom, bot/wechat, the terminal chat) turn their wire
// formats into Message and call Bot.Serve; features under handlers/ register
// HandlerFuncs. Nothing here knows HTTP or WeCom XML.
package bot

import (
	"strconv"
	"time"

	"unionbot"
)

// Channels a message can come from.
const (
	ChannelWeCom  = unionbot.ChannelWeCom
	ChannelWeChat = unionbot.ChannelWeChat
	ChannelCLI    = unionbot.ChannelCLI
)

// Message types.
const (
	TypeText  = "text"
	TypeEvent = "event"
)

// Events the bot reacts to.
const (
	EventSubscribe  = "subscribe"
	EventEnterAgent = "enter_agent"
	EventClick      = "click"
	EventView       = "view"
	EventScan       = "scan"
	// EventCard is a tap on a template card's button (WeCom).
	EventCard = "template_card_event"
)

// Message is one thing a teacher sent, whatever the channel.
type Message struct {
	Channel string
	UserID  string
	// Via is the follower's own id ("oa:…") when an Official Account
	// follower linked to a WeCom member writes: UserID is then the member.
	Via        string
	MsgID      string // the channel's message id; empty for events
	Type       string // TypeText or TypeEvent (other types arrive as text with a hint)
	Text       string
	Event      string
	EventKey   string
	CreateTime time.Time
	// A template_card_event: the card's task id and type, the response
	// code that updates the card once (within 72 hours), and the options
	// chosen in a vote card.
	TaskID       string
	CardType     string
	ResponseCode string
	Selected     []string

	claim claimState // the dedup claim Admit made with the replay check
	lock  *userLock  // the teacher's lock Admit took with it, for run
	rate  rateState  // the rate limit as Admit counted it
	// linkChecked: resolveLink looked for a follower's link already.
	linkChecked bool
}

type claimState int8

const (
	claimNone  claimState = iota // not claimed yet: Serve claims
	claimFirst                   // claimed: this is the first delivery
	claimSeen                    // seen before: a retry or a duplicate
)

// rateState is what Admit found of a message's rate limit.
type rateState int8

const (
	rateUnchecked rateState = iota // not counted yet: Handle counts
	rateWithin                     // counted, within the limit
	rateOver                       // counted, over it
)

// DedupKey identifies a delivery so that a channel's retries are processed
// once: the MsgId for messages, user+CreateTime+Event+EventKey for events
// (which carry no MsgId), and a card tap's TaskId with them. Never
// user+second alone: two real messages can share a second.
func (m *Message) DedupKey() string {
	if m.MsgID != "" {
		return m.Channel + ":msg:" + m.MsgID
	}
	key := m.Channel + ":ev:" + m.UserID + ":" + strconv.FormatInt(m.CreateTime.Unix(), 10) + ":" + m.Event + ":" + m.EventKey
	if m.TaskID != "" {
		key += ":" + m.TaskID
	}
	return key
}
