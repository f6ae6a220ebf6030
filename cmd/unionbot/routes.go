package main

import (
	"context"

	"unionbot/bot"
	"unionbot/handlers/faq"
)

// wire builds the features and lists every chat command in one table.
func (m *Main) wire(ctx context.Context) error {
	r := m.Router
	r.Greeting("欢迎使用工会助手！")
	r.Menu(
		bot.MenuItem{Title: "帮助", Command: "帮助", Hint: "查看我能做什么"},
		bot.MenuItem{Title: "转人工", Command: "转人工", Hint: "把问题转给工会老师"},
	)
	r.HandleExact("我是谁", whoAmI)

	// FAQ: the fallback, so every command above and menu numbers come first.
	faqs, err := faq.NewService(m.DB, m.Config.Admins, m.Logger)
	if err != nil {
		return err
	}
	if err := faqs.Start(ctx); err != nil {
		return err
	}
	r.Handle("转人工", faqs.HandOff)
	r.Handle("答复", faqs.Reply, bot.AdminOnly)
	r.Flow(faq.FlowName, faq.FlowTitle, faqs.Pick)
	r.Fallback(faqs.Fallback)
	m.Web.FAQ = faqs
	return nil
}

// whoAmI shows the member record the bot keeps, so a teacher can check it.
func whoAmI(c *bot.Context) error {
	mem, err := c.Member()
	if err != nil {
		return err
	}
	role := "会员"
	if c.IsAdmin() {
		role = "工会管理员"
	}
	dept := mem.Department
	if dept == "" {
		dept = "（未登记）"
	}
	return c.Replyf("您的账号：%s\n姓名：%s\n部门/工会小组：%s\n身份：%s", mem.UserID, mem.DisplayName(), dept, role)
}
