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
