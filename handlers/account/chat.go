package account

import (
	"strings"

	"unionbot"
	"unionbot/bot"
)

// Chat is the chat face of the service.
type Chat struct{ Service *Service }

// Start answers 绑定公众号 in WeCom with a code.
func (ch *Chat) Start(c *bot.Context) error {
	if c.Msg.Via != "" { // a linked follower asking again
		return c.Reply(txtStartFromWeCom)
	}
	code, err := ch.Service.StartLink(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	m, err := c.Member()
	if err != nil {
		return err
	}
	return c.Replyf(txtCodeFmt, code, code, m.DisplayName())
}

// Confirm answers 绑定 123456 in the 公众号.
func (ch *Chat) Confirm(c *bot.Context) error {
	code := strings.TrimSpace(c.Args)
	if code == "" {
		return c.Reply(txtAskCode)
	}
	if c.Msg.Via != "" || !unionbot.IsWeChatUser(c.UserID()) {
		return c.Reply(txtConfirmInOA)
	}
	m, err := ch.Service.ConfirmLink(c.Context(), c.UserID(), code)
	if err != nil {
		return err
	}
	return c.Replyf(txtLinkedFmt, m.DisplayName())
}

// Unlink answers 解除绑定 on either side.
func (ch *Chat) Unlink(c *bot.Context) error {
	id := c.UserID()
	if c.Msg.Via != "" {
		id = c.Msg.Via
	}
	if err := ch.Service.Unlink(c.Context(), id); err != nil {
		return err
	}
	return c.Reply(txtUnlinked)
}
