package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"unionbot"
)

// Context carries one message through the router to a handler.
type Context struct {
	ctx     context.Context
	bot     *Bot
	Msg     *Message
	Command string // the route that matched, e.g. "报名"
	Args    string // the text after the command, trimmed

	session *Session
	dirty   bool
	member  *unionbot.Member
	replies []string
	notices []string // said before the reply, e.g. that an old form lapsed
	// route names what took the message, for metrics: a command, a flow
	// ("flow:signup"), 帮助, fallback... (see Route).
	route string
}

// Route names what took the message, from a bounded set: a command of the
// route table, "flow:" and a registered flow's name, 帮助, 下一页,
// "fallback" (the free-text handler), "unknown" (nothing took it), "empty"
// (no text) or "event:" and an event the bot answers.
func (c *Context) Route() string {
	if c.route == "" {
		return "none"
	}
	return c.route
}

// Fold maps s to the script commands and stored titles are written in
// (simplified, through Router.Script), for matching what a teacher typed
// against them.
func (c *Context) Fold(s string) string { return c.bot.Router.fold(s) }

// Context returns the request context for I/O.
func (c *Context) Context() context.Context { return c.ctx }

// UserID is the sender's id on its channel.
func (c *Context) UserID() string { return c.Msg.UserID }

// Text is the whole message text, trimmed.
func (c *Context) Text() string { return strings.TrimSpace(c.Msg.Text) }

// Now is the bot's clock.
func (c *Context) Now() time.Time { return c.bot.now() }

// Location is the union's time zone, for showing times.
func (c *Context) Location() *time.Location { return c.bot.location() }

// Reply adds a paragraph to the reply. Paragraphs are joined with a blank
// line; a reply longer than one WeCom message is paged.
func (c *Context) Reply(text string) error {
	if text = strings.TrimSpace(text); text != "" {
		c.replies = append(c.replies, text)
	}
	return nil
}

// Replyf is Reply with fmt.Sprintf.
func (c *Context) Replyf(format string, args ...any) error {
	return c.Reply(fmt.Sprintf(format, args...))
}

// Replies returns what has been said so far (for tests and middleware).
func (c *Context) Replies() []string { return c.replies }

// Member returns the sender's member record, creating it on first contact.
func (c *Context) Member() (*unionbot.Member, error) {
	if c.member != nil {
		return c.member, nil
	}
	m, err := c.bot.member(c.ctx, c.Msg)
	if err != nil {
		return nil, err
	}
	c.member = m
	return m, nil
}

// IsAdmin reports whether the sender is union staff: listed in
// UNIONBOT_ADMINS or holding the admin role.
//
// The role from the database is remembered for RoleCacheTTL, so that the
// menu (帮助) does not read the member record on every message: a role
// granted or taken away through the API applies within that time.
//
// Admin rights never come through the Official Account: a linked follower
// acts as the member for teachers' features only, and UNIONBOT_ADMINS
// names WeCom users; a follower is an admin only by a role an admin gave
// that follower's own record.
func (c *Context) IsAdmin() bool {
	if c.Msg.Via != "" {
		return false
	}
	if c.bot.IsAdmin != nil && !unionbot.IsWeChatUser(c.Msg.UserID) && c.bot.IsAdmin(c.Msg.UserID) {
		return true
	}
	if c.member == nil {
		if role, ok := c.bot.cachedRole(c.Msg.UserID); ok {
			return role == unionbot.RoleAdmin
		}
	}
	m, err := c.Member()
	return err == nil && m.Role == unionbot.RoleAdmin
}

// Flow is the name of the flow in progress, "" for none.
func (c *Context) Flow() string { return c.session.Flow }

// FormTitle is the title of the form being filled in (发布活动, 合理化建议
// ...), "" when none is open or only a question waits for its answer.
func (c *Context) FormTitle() string {
	if !c.bot.Router.inForm(c) {
		return ""
	}
	return c.bot.Router.flows[c.session.Flow].title
}

// StartFlow begins a multi-turn form named flow with its initial state. The
// flow's handler gets the teacher's next messages until EndFlow.
func (c *Context) StartFlow(flow string, state any) error {
	now := c.Now()
	c.session.Flow = flow
	c.session.StartedAt = now
	c.session.ExpiresAt = now.Add(c.bot.sessionTTL())
	return c.SaveFlow(state)
}

// LoadFlow decodes the state of the flow in progress into v.
func (c *Context) LoadFlow(v any) error {
	if len(c.session.State) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.session.State, v); err != nil {
		return fmt.Errorf("decode %s flow state: %w", c.session.Flow, err)
	}
	return nil
}

// SaveFlow stores the flow's state; it is written when the handler returns.
func (c *Context) SaveFlow(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s flow state: %w", c.session.Flow, err)
	}
	c.session.State = b
	c.dirty = true
	return nil
}

// EndFlow leaves the flow in progress.
func (c *Context) EndFlow() {
	c.session.Flow = ""
	c.session.State = nil
	c.session.StartedAt = time.Time{}
	c.session.ExpiresAt = time.Time{}
	c.dirty = true
}

// Notify queues an active message to users through the outbox (it survives a
// restart and is retried). Features that change data should rather enqueue
// in their own transaction; this is for notices that stand alone.
func (c *Context) Notify(users []string, text string) error {
	if c.bot.Outbox == nil {
		return nil
	}
	return c.bot.Outbox.Enqueue(c.ctx, &unionbot.Notice{ToUsers: users, Text: text, Kind: "chat"})
}

// Cards reports whether this teacher can be sent template cards: cards
// are on and the message came from WeCom itself (not a linked Official
// Account follower, not the terminal chat).
func (c *Context) Cards() bool {
	return c.bot.Cards && c.Msg.Channel == ChannelWeCom && c.Msg.Via == ""
}

// SendCard queues card to the sender through the outbox; text is the same
// message in words, for when the card cannot be shown.
func (c *Context) SendCard(text string, card *unionbot.Card) error {
	if c.bot.Outbox == nil {
		return nil
	}
	n := &unionbot.Notice{ToUsers: []string{c.Msg.UserID}, Channel: ChannelWeCom, Text: text, Card: card, Kind: "card",
		Ref: card.TaskID}
	return c.bot.Outbox.Enqueue(c.ctx, n)
}

// CardTap is the card a tap came from: enough to update that card once,
// now or later (a form keeps it in its state and updates the card when it
// is submitted), within the 72 hours of its response code.
type CardTap struct {
	TaskID       string    `json:"task_id"`
	CardType     string    `json:"card_type"`
	ResponseCode string    `json:"response_code"`
	At           time.Time `json:"at"`
}

// Tap is the card this message is a tap on, nil for anything else.
func (c *Context) Tap() *CardTap {
	if c.Msg.Event != EventCard || c.Msg.ResponseCode == "" {
		return nil
	}
	return &CardTap{TaskID: c.Msg.TaskID, CardType: c.Msg.CardType, ResponseCode: c.Msg.ResponseCode, At: c.Msg.CreateTime}
}

// UpdateCard replaces the buttons of the tapped card with done (已报名,
// 候补第 2 位 ...) through the outbox, using tap's response code once.
// When WeCom no longer takes the code (72 hours, or used), text goes as a
// new message instead; "" sends nothing then. A nil tap does nothing.
func (c *Context) UpdateCard(tap *CardTap, done, text string) error {
	if tap == nil || c.bot.Outbox == nil {
		return nil
	}
	card := &unionbot.Card{Type: tap.CardType, TaskID: tap.TaskID, ResponseCode: tap.ResponseCode, CodeAt: tap.At, Done: done}
	n := &unionbot.Notice{ToUsers: []string{c.Msg.UserID}, Channel: ChannelWeCom, Text: text, Card: card, Kind: "card",
		Ref: tap.TaskID}
	return c.bot.Outbox.Enqueue(c.ctx, n)
}

// Warn logs a problem the teacher need not hear about (a card that could
// not be updated, say).
func (c *Context) Warn(msg string, args ...any) {
	c.bot.logger().WarnContext(c.ctx, msg, append([]any{"user", c.Msg.UserID, "command", c.Command}, args...)...)
}
