package audit

import "sort"

const txtBadRange = "开始时间要早于结束时间。"

// labels names each action for the console, in the union's words.
var labels = map[string]string{
	"console.signin":        "登录管理后台",
	"console.signin_failed": "登录管理后台失败",
	"console.refused":       "非管理员访问管理后台",
	"api.refused":           "管理令牌错误",
	"chat.refused":          "非管理员使用管理命令",
	"event.create":          "发布活动",
	"event.update":          "修改活动",
	"event.close":           "截止报名",
	"event.cancel":          "取消活动",
	"roster.checkin":        "名单签到",
	"roster.promote":        "候补转正",
	"proposal.transition":   "办理建议/提案",
	"proposal.session":      "提案征集",
	"faq.import":            "导入问答",
	"faq.entry":             "修改问答",
	"faq.enabled":           "启用/停用问答",
	"faq.own_only":          "只用本会问答",
	"faq.attach":            "问题归入问答",
	"faq.ignore":            "忽略问题",
	"faq.reply":             "答复转人工",
	"plan.import":           "导入年度计划",
	"plan.item":             "添加计划事项",
	"announce.send":         "发送月度公告",
	"broadcast":             "群发通知",
	"ballot.create":         "新建投票",
	"ballot.update":         "修改投票",
	"ballot.open":           "开始投票",
	"ballot.close":          "结束投票",
	"care.role":             "关怀权限",
	"care.rules":            "慰问金规则",
	"care.case":             "关怀个案",
	"care.hardship":         "困难职工档案",
	"care.import":           "导入关怀数据",
	"member.update":         "修改成员",
	"member.sync":           "同步通讯录",
	"link.set":              "绑定公众号",
	"link.delete":           "解除绑定",
}

// Label is the Chinese name of action, or action itself when it has none.
func Label(action string) string {
	if l, ok := labels[action]; ok {
		return l
	}
	return action
}

// Actions lists the known actions, for the console's filter.
func Actions() []string {
	out := make([]string, 0, len(labels))
	for a := range labels {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
