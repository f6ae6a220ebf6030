package main

import (
	"context"

	"unionbot/bot"
)

// wire builds the features and lists every chat command in one table.
func (m *Main) wire(ctx context.Context) error {
	r := m.Router
	r.Greeting("欢迎使用工会助手！")
	r.Menu(
		bot.MenuItem{Title: "帮助", Command: "帮助", Hint: "查看我能做什么"},
	)
	r.HandleExact("我是谁", whoAmI)
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
