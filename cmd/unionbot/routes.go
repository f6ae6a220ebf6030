package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/handlers/account"
	"unionbot/handlers/announce"
	"unionbot/handlers/audit"
	"unionbot/handlers/ballot"
	"unionbot/handlers/care"
	"unionbot/handlers/faq"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
)

// wire builds the features and lists every chat command in one table.
func (m *Main) wire(ctx context.Context) error {
	r := m.Router
	r.Greeting("欢迎使用工会助手！")
	r.Menu(
		bot.MenuItem{Title: "帮助", Command: "帮助", Hint: "查看我能做什么"},
		bot.MenuItem{Title: "本月活动", Command: "本月活动", Hint: "本月工会活动安排"},
		bot.MenuItem{Title: "全年安排", Command: "全年安排", Hint: "年度工作计划"},
		bot.MenuItem{Title: "活动报名", Command: "活动", Hint: "比赛、出行等活动的报名"},
		bot.MenuItem{Title: "我的报名", Command: "我的报名", Hint: "查看或取消报名"},
		bot.MenuItem{Title: "提合理化建议", Command: "提建议", Hint: "可匿名，有编号可查进度"},
		bot.MenuItem{Title: "我的建议", Command: "我的建议", Hint: "查看建议、提案的办理进度"},
		bot.MenuItem{Title: "投票", Command: "投票", Hint: "教代会表决、选举、民主评议（不记名）"},
		bot.MenuItem{Title: "报告慰问", Command: "报告慰问", Hint: "同事或自己生病住院、结婚、生育等，请工会关怀"},
		bot.MenuItem{Title: "预览本月公告", Command: "预览本月公告", Hint: "看看1号推送的内容", Admin: true},
	)
	if len(m.Config.Admins) > 0 { // 转人工 is offered only when someone can answer
		r.AddMenu(bot.MenuItem{Title: "转人工", Command: "转人工", Hint: "把问题转给工会老师"})
	} else {
		m.Logger.Warn("UNIONBOT_ADMINS is empty: 转人工 is not offered and nobody can run admin chat commands; list the union staff's WeCom user ids there")
	}
	r.AdminHelp(adminHelp()...)
	r.HandleExact("我是谁", whoAmI)

	// The audit log of admin actions (handlers/audit): every service below
	// records its staff changes in it; the web face adds sign-ins and
	// refused tokens, the bot refused admin commands.
	aud := &audit.Service{Store: m.DB, Now: m.Now, Logger: m.Logger}
	m.Audit, m.Web.Audit = aud, aud
	m.Bot.Refused = func(ctx context.Context, userID, command string) {
		aud.Refuse(ctx, "chat.refused", "", command)
	}

	// A 公众号 follower linked to their WeCom member (handlers/account).
	acc := account.NewService(m.DB, m.DB, m.Now)
	acc.Audit = aud
	ac := &account.Chat{Service: acc}
	r.HandleExact("绑定公众号", ac.Start)
	r.Handle("绑定", ac.Confirm)
	r.HandleExact("解除绑定", ac.Unlink)
	m.Bot.Links, m.Web.Accounts = acc, acc

	signups := signup.NewService(m.DB, m.DB, m.Now, m.Config.Location)
	signups.Audit = aud

	// Calendar and monthly announcement (handlers/announce).
	ann, err := announce.NewService(m.DB, m.Config.AnnounceCron)
	if err != nil {
		return err
	}
	ann.Members, ann.Outbox, ann.Logger, ann.Now, ann.Location, ann.Audit = m.DB, m.DB, m.Logger, m.Now, m.Config.Location, aud
	if !m.Config.WeComAPIEnabled() {
		ann.CanSend = func() error { return unionbot.Errorf(unionbot.EUNAVAILABLE, "%s", announce.MsgWeComOff) }
	}
	ann.Parties, ann.Robot, ann.WeChat = m.Config.AnnounceParties, m.Config.WeComRobotKey != "", m.Config.AnnounceWeChat && m.Config.WeChatEnabled()
	ann.Format, ann.CardURL = m.Config.AnnounceFormat, m.Config.AnnounceURL
	// The announcement lists the events open for sign-up that month, with
	// 回复“报名 …”.
	ann.Events = announce.EventListerFunc(func(ctx context.Context, year, month int) ([]announce.OpenEvent, error) {
		from := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, m.Config.Location)
		evs, err := signups.OpenDuring(ctx, from, from.AddDate(0, 1, 0))
		if err != nil {
			return nil, err
		}
		open := make([]announce.OpenEvent, len(evs))
		for i, e := range evs {
			open[i] = announce.OpenEvent{ID: e.ID, Title: e.Title, Keyword: e.Title, Start: e.StartsAt}
		}
		return open, nil
	})
	m.Announce, m.Web.Announce = ann, ann
	r.Handle("本月活动", ann.ThisMonth)
	r.Handle("下月活动", ann.NextMonth)
	r.Handle("全年安排", ann.Year)
	r.HandleExact("预览本月公告", ann.Preview, bot.AdminOnly)
	r.HandleExact("发送本月公告", ann.Send, bot.AdminOnly)
	r.Flow(announce.FlowSend, "发送本月公告", ann.SendFlow)
	if err := m.Scheduler.Every("announce-monthly", m.Config.AnnounceCron, ann.Job, true); err != nil {
		return fmt.Errorf("UNIONBOT_ANNOUNCE_CRON: %w", err)
	}

	// Sign-ups for contests and trips (handlers/signup).
	su := &signup.Chat{Service: signups}
	r.HandleExact("活动", su.List)
	r.Handle("报名", su.SignUp)
	r.Handle("取消报名", su.Cancel)
	r.HandleExact("我的报名", su.Mine)
	r.Handle("签到", su.CheckIn)
	r.Handle("确认组队", su.Accept)
	r.Handle("拒绝组队", su.Decline)
	r.Handle("确认参加", su.ConfirmPlace)
	r.Handle("放弃", su.GiveUp)
	r.Flow(signup.FlowSignup, "活动报名", su.Form)
	r.Choice(signup.FlowPickEvent, "选择活动", su.Picked)
	r.Choice(signup.FlowConfirmCancel, "确认取消报名", su.ConfirmCancel)
	r.HandleExact("取消", su.CancelBare)
	r.Card(unionbot.KeySignup, su.CardSignUp) // signup:<event id>
	r.Card(signup.KeyTeamAccept, su.CardTeam) // team:accept:<event id>
	r.Card(signup.KeyTeamDecline, su.CardTeam)
	r.Card(signup.KeyPromoConfirm, su.CardPromo) // promo:confirm:<entry id>
	r.Card(signup.KeyPromoDecline, su.CardPromo)
	r.HandleExact("发布活动", su.Publish, bot.AdminOnly)
	r.Flow(signup.FlowPublish, "发布活动", su.PublishForm)
	r.HandleExact("管理活动", su.Manage, bot.AdminOnly)
	r.Handle("修改名额", su.SetCapacity, bot.AdminOnly)
	r.Handle("截止报名", su.Close, bot.AdminOnly)
	r.Handle("取消活动", su.CancelEvent, bot.AdminOnly)
	m.Web.Signups = signups
	if err := m.Scheduler.Every("signup-reminders", "0 * * * *", signups.RemindJob(m.Config.RemindBefore), false); err != nil {
		return err
	}
	// Promoted teachers who let their confirmation window pass, and the
	// rotation draws of events whose sign-up has closed.
	if err := m.Scheduler.Every("signup-confirmations", "*/5 * * * *", signups.ConfirmJob(), true); err != nil {
		return err
	}
	if err := m.Scheduler.Every("signup-draws", "*/5 * * * *", signups.DrawJob(), true); err != nil {
		return err
	}

	// Suggestions and staff congress motions (handlers/proposal).
	ps := &proposal.Service{Store: m.DB, Members: m.DB, Seconders: m.Config.MotionSeconders,
		DailyLimit: m.Config.ProposalDailyLimit, Admins: m.Config.Admins, Now: m.Now, Location: m.Config.Location}
	pc := &proposal.Chat{Service: ps}
	r.Handle("提建议", pc.StartSuggestion)
	r.Handle("合理化建议", pc.StartSuggestion)
	r.Handle("提案", pc.StartMotion)
	r.Handle("教代会提案", pc.StartMotion)
	r.Flow(proposal.FlowName, "建议/提案", pc.Form)
	r.HandleExact("我的建议", pc.Mine)
	r.HandleExact("我的提案", pc.Mine)
	r.Handle("查询", pc.Query)
	r.Handle("附议", pc.Second)
	r.Handle("不附议", pc.Decline)
	for _, w := range []string{"满意", "基本满意", "不满意", "评价"} {
		r.Handle(w, pc.Evaluate)
	}
	r.Card(proposal.KeySecondAgree, pc.CardSecond) // second:agree:<no>
	r.Card(proposal.KeySecondDecline, pc.CardSecond)
	r.Card(proposal.KeyRate, pc.CardRate) // rate:<no>, the vote's submit
	r.HandleExact("待办建议", pc.Pending, bot.AdminOnly)
	r.Handle("回复", pc.Answer, bot.AdminOnly)
	r.Handle("办理", pc.Handle, bot.AdminOnly)
	r.Handle("提案征集", pc.OpenCollection, bot.AdminOnly)
	if err := m.Scheduler.Every("proposal-seconding", "*/10 * * * *", ps.LapseJob, false); err != nil {
		return err
	}
	ps.Audit = aud
	m.Web.Proposals = ps

	// Secret ballots: 教代会 表决, 选举, 民主评议 (handlers/ballot).
	bs := &ballot.Service{Store: m.DB, Now: m.Now, Location: m.Config.Location}
	if m.Config.PublicURL != "" {
		bs.ResultURL = strings.TrimRight(m.Config.PublicURL, "/") + "/ballots/%d/result"
	}
	bc := &ballot.Chat{Service: bs}
	r.Handle("投票", bc.List)
	r.HandleExact("确认投票", bc.Confirm)
	r.Handle("验证", bc.Verify)
	r.Flow(ballot.FlowName, "投票", bc.Form)
	if err := m.Scheduler.Every("ballot-close-remind", "*/5 * * * *", bs.CloseJob, true); err != nil {
		return err
	}
	bs.Audit = aud
	m.Web.Ballots = bs

	// The care ledger: 五必访, 慰问金 under the school's rules (handlers/care).
	cs := &care.Service{Store: m.DB, Members: m.DB, Now: m.Now, Location: m.Config.Location,
		IsAdmin: func(ctx context.Context, user string) bool {
			if m.Config.IsAdmin(user) {
				return true
			}
			mem, err := m.DB.FindMember(ctx, user)
			return err == nil && mem.Role == unionbot.RoleAdmin
		}}
	cc := &care.Chat{Service: cs}
	r.HandleExact("报告慰问", cc.Report)
	r.HandleExact("工会关怀", cc.Report)
	r.HandleExact("我的关怀", cc.Mine)
	r.Flow(care.FlowReport, "报告慰问", cc.Form)
	// Care staff (the care role, not the admin role): the service refuses others.
	r.Handle("认领", cc.Claim)
	r.Handle("指派", cc.Assign)
	cs.Audit = aud
	m.Web.Care = cs
	for _, j := range []struct {
		name, spec string
		job        bot.Job
	}{{"care-hardship-reminders", "0 8 * * *", cs.HardshipJob}, {"care-festivals", "0 8 * * *", cs.FestivalJob},
		{"care-weekly-digest", "0 8 * * 1", cs.DigestJob}} {
		if err := m.Scheduler.Every(j.name, j.spec, j.job, false); err != nil {
			return err
		}
	}

	// FAQ: the fallback, so every command above and menu numbers come first.
	faqs, err := faq.NewService(m.DB, m.Config.Admins, m.Logger)
	if err != nil {
		return err
	}
	faqs.Now, faqs.Location = m.Now, m.Config.Location
	// "羽毛球赛什么时候" is answered from the open sign-ups and the annual
	// plan before the Q&A, through two small interfaces the Q&A declares.
	faqs.Events = faqEvents{signups}
	faqs.Calendar = faqCalendar{ann}
	if err := faqs.Start(ctx); err != nil {
		return err
	}
	r.Handle("转人工", faqs.HandOff)
	r.Handle("答复", faqs.Reply, bot.AdminOnly)
	r.HandleExact("没用", faqs.Unhelpful)
	r.Choice(faq.FlowName, faq.FlowTitle, faqs.Pick)
	r.Flow(faq.FlowSave, "存为问答", faqs.SaveFlow)
	r.Fallback(faqs.Fallback)
	// Commands typed in traditional characters (報名 羽毛球, 幫助) route
	// as the simplified ones do, and are answered in traditional.
	r.Script = faqs.Engine.Script
	faqs.Audit = aud
	m.Web.FAQ = faqs
	return nil
}

// adminHelp is what 帮助 adds for union staff: their commands, grouped,
// each with an example.
func adminHelp() []string {
	return []string{
		"管理员命令（只有管理员能看到）：",
		"· 活动：发布活动（按提示填写）、管理活动、修改名额 1 30、截止报名 1、取消活动 1（确认时限、轮换分配与抽签在管理后台设置）",
		"· 建议与提案：待办建议、办理 JY-2026-0001 已交办 总务处 请办理、回复 JY-2026-0001 答复内容、提案征集 六届二次教代会 2026-12-31",
		"· 问答：答复 3 游泳馆周末九点开门（回答转人工的问题）",
		"· 公告：预览本月公告、发送本月公告",
		"名单导出、问答库、投票、年度计划请在管理后台（/admin）操作。",
	}
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

// faqEvents lists the open sign-up events for the Q&A's "when / where is …".
type faqEvents struct{ signups *signup.Service }

func (f faqEvents) OpenEvents(ctx context.Context, now time.Time) ([]faq.Event, error) {
	evs, err := f.signups.OpenDuring(ctx, now, now.AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	out := make([]faq.Event, 0, len(evs))
	for _, e := range evs {
		if e.StatusAt(now) != signup.StatusOpen {
			continue
		}
		out = append(out, faq.Event{Title: e.Title, Location: e.Location, Start: e.StartsAt, Closes: e.SignupClosesAt, Left: e.Left()})
	}
	return out, nil
}

// EventsVersion lets the Q&A drop the titles it keeps when an event changes.
func (f faqEvents) EventsVersion() uint64 { return f.signups.EventsVersion() }

// faqCalendar looks up the imported annual plan for the Q&A.
type faqCalendar struct{ ann *announce.Service }

// PlanVersion lets the Q&A drop the items it keeps when the plan changes.
func (f faqCalendar) PlanVersion() uint64 { return f.ann.PlanVersion() }

func (f faqCalendar) PlanItems(ctx context.Context, year, month int) ([]faq.PlanItem, error) {
	items, err := f.ann.Items(ctx, year, month)
	if err != nil {
		return nil, err
	}
	out := make([]faq.PlanItem, len(items))
	for i, it := range items {
		out[i] = faq.PlanItem{Year: it.Year, Month: it.Month, Day: it.Day, Title: it.Title}
	}
	return out, nil
}
