package bot

import "unionbot"

// actor is who sends msg, for the audit log of what admins do in chat.
func actor(msg *Message) unionbot.Actor {
	a := unionbot.Actor{ID: msg.UserID, Channel: unionbot.FromChatWeCom}
	switch {
	case msg.Channel == ChannelCLI:
		a.Channel = unionbot.FromCLI
	case msg.Via != "" || msg.Channel == ChannelWeChat:
		a.Channel = unionbot.FromChatOA
	}
	return a
}

// AdminOnly lets only union staff through; a refusal is told to the
// bot's Refused hook (the audit log).
func AdminOnly(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if !c.IsAdmin() {
			if c.bot.Refused != nil {
				c.bot.Refused(c.ctx, c.Msg.UserID, c.Command)
			}
			return unionbot.Errorf(unionbot.EFORBIDDEN, "抱歉，“%s”只有工会管理员可以使用。", c.Command)
		}
		return next(c)
	}
}
