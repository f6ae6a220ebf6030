package main

import (
	"context"
	"time"

	"unionbot/bot"
	"unionbot/handlers/signup"
)

// wire builds the features and lists every chat command in one table.
func (m *Main) wire(ctx context.Context) error {
	r := m.Router
	r.Greeting("欢迎使用工会助手！")
	r.Menu(
		bot.MenuItem{Title: "帮助", Command: "帮助", Hint: "查看我能做什么"},
		bot.MenuItem{Title: "活动报名", Command: "活动", Hint: "比赛、出行等活动的报名"},
		bot.MenuItem{Title: "我的报名", Command: "我的报名", Hint: "查看或取消报名"},
	)
	r.HandleExact("我是谁", whoAmI)

	su := &signup.Chat{Store: m.DB}
	r.HandleExact("活动", su.List)
	r.Handle("报名", su.SignUp)
	r.Handle("取消报名", su.Cancel)
	r.HandleExact("我的报名", su.Mine)
	r.Handle("签到", su.CheckIn)
	r.Flow(signup.FlowSignup, "活动报名", su.Form)
	r.HandleExact("发布活动", su.Publish, bot.AdminOnly)
	r.Flow(signup.FlowPublish, "发布活动", su.PublishForm)
	m.Web.Events = m.DB
	if err := m.Scheduler.Every("signup-reminders", "0 * * * *", signup.RemindJob(m.DB, 24*time.Hour, m.Scheduler.Location), false); err != nil {
		return err
	}
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
